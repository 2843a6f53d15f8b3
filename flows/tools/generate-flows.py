#!/usr/bin/env python3
"""Writes flows/*.json: NiFi 2.6.0 flow definitions (the format of NiFi's "Download flow definition").

Usage (from the repository root): python3 flows/tools/generate-flows.py
The JSON files are committed; edit this script and re-run it rather than editing them by hand, then run
./mvnw -B -pl nifi-twin-integration-tests -am verify -Dtest='io.github.factorytwin.it.flows.*' \
    -Dsurefire.failIfNoSpecifiedTests=false
Property names are descriptor NAMES of NiFi 2.6.0 (see flows/nifi-2.6.0-components.json).
"""
import json
import os
import uuid

NIFI = "2.6.0"
TWIN_VERSION = "0.1.0-SNAPSHOT"
NS = uuid.UUID("6f1d3c8e-3b7a-4a39-9a51-7d1f0c2b9e10")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CONTEXT = "Factory Twin"


with open(os.path.join(OUT, f"nifi-{NIFI}-components.json")) as _f:
    COMPONENTS = {c["type"]: c for c in json.load(_f)["components"]}


def complete(component):
    """NiFi's components carry every property they have, unset ones with NiFi's default (null without one), as NiFi
    exports them: a property the file lacks may be added by NiFi's migration with another value (JsonRecordSetWriter's
    'Allow Scientific Notation' became true), and the deployed group would be LOCALLY_MODIFIED from the start."""
    listed = COMPONENTS.get(component["type"])
    if listed is None:
        return
    names = [p["name"] for p in listed["properties"]]
    unknown = set(component["properties"]) - set(names)
    assert not unknown, f"{component['name']}: not properties of {component['type']}: {unknown}"
    full = {p["name"]: p["default"] for p in listed["properties"]}
    full.update(component["properties"])
    component["properties"] = full


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(parts)))


def nifi(artifact):
    return {"group": "org.apache.nifi", "artifact": artifact, "version": NIFI}


FIFO = "org.apache.nifi.prioritizer.FirstInFirstOutPrioritizer"
TWIN = {"group": "io.github.factorytwin", "artifact": "nifi-twin-nar", "version": TWIN_VERSION}

def reading_schema():
    """The raw reading as GenerateSensorReadings writes it, every field nullable: a dropped-out sensor (null) or a
    reading without ground truth has the same schema as any other, so no reader splits a Kafka poll or a MergeRecord
    bin by schema (inference gave a null sensor a schema of its own)."""
    fields = [("machine_id", "string"), ("machine_type", "string"), ("timestamp", "long"),
              ("temperature", "double"), ("vibration", "double"), ("rpm", "double"),
              ("state", "string"), ("failure_mode", "string"), ("remaining_useful_life", "long"),
              ("sensor_fault", "string")]
    return json.dumps({"type": "record", "name": "reading", "namespace": "io.github.factorytwin",
                       "fields": [{"name": n, "type": ["null", t], "default": None} for n, t in fields]},
                      separators=(",", ":"))


# name -> (value, description). One context for every flow, so importing several flows shares it.
PARAMETERS = {
    "Kafka Bootstrap Servers": ("kafka:9092", "Kafka brokers, host:port[,host:port]."),
    "Sensor Topic": ("sensor-data", "Raw readings, keyed by machine_id."),
    "Anomalies Topic": ("anomalies", "Anomalous readings."),
    "Alerts Topic": ("alerts", "Alert events."),
    "Dead Letter Topic": ("twin-dead-letter", "FlowFiles any step failed to handle; attributes (error messages) travel as headers."),
    "Consumer Group ID": ("factory-twin", "Kafka consumer group of the scoring pipeline."),
    "Training Consumer Group ID": ("factory-twin-training", "Kafka consumer group of the model-training flow."),
    "MongoDB Consumer Group ID": ("factory-twin-mongodb", "Kafka consumer group of the MongoDB sink."),
    "Elasticsearch URL": ("http://elasticsearch:9200", "Elasticsearch base URL(s), comma-separated."),
    "Readings Index": ("twin-readings", "Index of every scored reading with its health."),
    "Anomalies Index": ("twin-anomalies", "Index of anomalous readings."),
    "Alerts Index": ("twin-alerts", "Index of alert events."),
    "Current Alerts Index": ("twin-alerts-current",
                             "One document per machine, its latest alert event: what is open now."),
    "Elasticsearch Batch Size": ("10000", "Records per bulk request (a reading is ~0.5 KB: ~5 MB per bulk). Keep it at "
                                          "least Kafka Max Poll Records: in NiFi 2.6.0 PutElasticsearchRecord re-reads "
                                          "a FlowFile that holds more records than this, fails on the closed stream and "
                                          "retries, indexing the first bulks again."),
    "Kafka Max Poll Records": ("10000", "Records one Kafka poll may return (Kafka's max.poll.records); "
                                        "ConsumeKafka writes a poll's records of one partition into one FlowFile."),
    "Generator Batch Size": ("1000", "Most readings GenerateSensorReadings writes per FlowFile; with Pacing "
                                     "AS_FAST_AS_POSSIBLE it is also the step of the simulated clock per run."),
    "Machine Count": ("10", "Simulated machines."),
    "Reading Interval": ("2 sec", "Simulated time between two readings of one machine."),
    "Pacing": ("REAL_TIME", "REAL_TIME or AS_FAST_AS_POSSIBLE. AS_FAST_AS_POSSIBLE runs simulated time ahead of the "
                            "wall clock: raise Future Timestamp Tolerance for runs longer than a simulated day."),
    "Mean Time Between Failures": ("8 hours", "Simulated mean time between machine failures."),
    "Sensor Fault Probability": ("0.001", "Chance per reading of an injected sensor fault."),
    "Include Ground Truth": ("true", "Write state, failure_mode, remaining_useful_life, sensor_fault."),
    "Reading Schema": (reading_schema(),
                       "Avro schema of a raw reading (every field nullable). Every reader of readings uses it, so a "
                       "null sensor never changes the schema. Add a field here if the generator or a source adds one."),
    "Feature Fields": ("temperature,vibration,rpm", "Fields the anomaly model scores."),
    "Model Source": ("LEARN_FROM_STREAM", "LEARN_FROM_STREAM or MODEL_FILE (the file the model-training flow writes)."),
    "Model File": ("/opt/nifi/twin-models/isolation-forest.model", "Model file TrainAnomalyModel writes and ScoreAnomaly reads."),
    "Model Scope": ("GLOBAL", "GLOBAL, PER_MACHINE or PER_MACHINE_TYPE."),
    "Warm-up Size": ("1000", "Readings learned before scoring starts (LEARN_FROM_STREAM)."),
    "Anomaly State Directory": ("/opt/nifi/twin-models/score-anomaly-state",
                                "Where ScoreAnomaly keeps learned models and per-machine state across restarts."),
    "Retrain Interval": ("1000", "Refit the learned model after this many readings judged normal (0 = never: a slow "
                                 "benign drift then looks more and more anomalous)."),
    "Number of Trees": ("100", "Isolation Forest trees."),
    "Subsample Size": ("256", "Isolation Forest subsample per tree."),
    "Anomaly Threshold": ("0.6", "Score (0..1) at or above which a reading is anomalous."),
    "Warning Threshold": ("70", "Health score below which a machine is WARNING."),
    "Critical Threshold": ("40", "Health score below which a machine is CRITICAL."),
    "Hysteresis": ("5", "Health points a machine must recover past a threshold before its status improves."),
    "Minimum Dwell Time": ("1 min", "Time a status must hold before an alert is cleared or escalated."),
    "Alert Confirmation Time": ("5 min", "Time a healthy machine's health must stay below the Warning Threshold "
                                         "before an alert is raised (short excursions raise none)."),
    "Late Record Tolerance": ("30 sec", "How late (event time) a reading may arrive and still count."),
    "Future Timestamp Tolerance": ("1 day", "How far ahead of the wall clock a reading's timestamp may lie before "
                                            "ComputeHealthScore sends it to failure. Simulated readings with Pacing "
                                            "AS_FAST_AS_POSSIBLE run ahead (10 machines every 2 sec: a simulated day per "
                                            "432,000 readings): raise it (e.g. 3650 days) for such backfills."),
    "Training Batch Size": ("20000", "Readings per model-training run."),
    "Training Max Wait": ("15 min", "Train on what has arrived after this long, even if fewer readings."),
    "MongoDB URI": ("mongodb://mongodb:27017", "MongoDB connection string (optional sink)."),
    "MongoDB Database": ("factory_twin", "MongoDB database of the optional sink."),
}


class Flow:
    def __init__(self, name, comments):
        self.name = name
        self.group = uid(name, "group")
        self.processors, self.connections, self.services, self.funnels, self.labels = [], [], [], [], []
        self.comments = comments

    def service(self, key, name, type_, bundle, props, apis):
        sid = uid(self.name, "service", key)
        self.services.append({
            "identifier": sid, "instanceIdentifier": sid, "name": name, "comments": "",
            "type": type_, "bundle": bundle, "properties": props, "propertyDescriptors": {},
            "controllerServiceApis": [{"type": t, "bundle": b} for t, b in apis],
            "scheduledState": "ENABLED", "bulletinLevel": "WARN",
            "componentType": "CONTROLLER_SERVICE", "groupIdentifier": self.group})
        return sid

    def processor(self, key, name, type_, bundle, props, x, y, period="0 sec", auto=(), retried=(), comments="",
                  tasks=1, yield_="1 sec"):
        pid = uid(self.name, "processor", key)
        self.processors.append({
            "identifier": pid, "instanceIdentifier": pid, "name": name, "comments": comments,
            "position": {"x": float(x), "y": float(y)}, "type": type_, "bundle": bundle,
            "properties": props, "propertyDescriptors": {}, "style": {},
            "schedulingPeriod": period, "schedulingStrategy": "TIMER_DRIVEN", "executionNode": "ALL",
            "penaltyDuration": "30 sec", "yieldDuration": yield_, "bulletinLevel": "WARN",
            "runDurationMillis": 0, "concurrentlySchedulableTaskCount": tasks,
            "autoTerminatedRelationships": sorted(auto),
            "scheduledState": "ENABLED",
            "retryCount": 5, "retriedRelationships": sorted(retried),
            "backoffMechanism": "PENALIZE_FLOWFILE", "maxBackoffPeriod": "10 mins",
            "componentType": "PROCESSOR", "groupIdentifier": self.group})
        return pid

    def funnel(self, key, x, y):
        fid = uid(self.name, "funnel", key)
        self.funnels.append({"identifier": fid, "instanceIdentifier": fid, "position": {"x": float(x), "y": float(y)},
                             "componentType": "FUNNEL", "groupIdentifier": self.group})
        return fid

    def label(self, key, text, x, y, w=420.0, h=80.0):
        lid = uid(self.name, "label", key)
        self.labels.append({"identifier": lid, "instanceIdentifier": lid, "label": text,
                            "position": {"x": float(x), "y": float(y)}, "width": w, "height": h,
                            "style": {"font-size": "12px"}, "zIndex": 0,
                            "componentType": "LABEL", "groupIdentifier": self.group})

    def connect(self, src, rels, dst, name="", objects=10000, size="1 GB", src_type="PROCESSOR", dst_type="PROCESSOR"):
        def ref(i, t):
            comp = next((c for c in self.processors + self.funnels if c["identifier"] == i), None)
            return {"id": i, "type": t, "groupId": self.group, "name": comp.get("name", "Funnel") if comp else ""}
        cid = uid(self.name, "connection", src, ",".join(rels), dst)
        self.connections.append({
            "identifier": cid, "instanceIdentifier": cid, "name": name,
            "source": ref(src, src_type), "destination": ref(dst, dst_type),
            "labelIndex": 1, "zIndex": 0, "selectedRelationships": sorted(rels),
            "backPressureObjectThreshold": objects, "backPressureDataSizeThreshold": size,
            # First in, first out everywhere: NiFi's default order is not arrival order, and the readings of one
            # machine must reach ScoreAnomaly and ComputeHealthScore in the order Kafka holds them.
            "flowFileExpiration": "0 sec", "prioritizers": [FIFO], "bends": [],
            "loadBalanceStrategy": "DO_NOT_LOAD_BALANCE", "partitioningAttribute": "",
            "loadBalanceCompression": "DO_NOT_COMPRESS",
            "componentType": "CONNECTION", "groupIdentifier": self.group})

    def p(self, name):
        assert name in PARAMETERS, name
        return "#{" + name + "}"

    def json_reader(self, key, name, props):
        return self.service(key, name, "org.apache.nifi.json.JsonTreeReader",
                            nifi("nifi-record-serialization-services-nar"), props,
                            [("org.apache.nifi.serialization.RecordReaderFactory", nifi("nifi-standard-services-api-nar"))])

    def common_services(self, kafka=True, es=False):
        ids = {}
        # Readings as they come from the generator or Kafka: the one explicit schema.
        ids["readings"] = self.json_reader("json-reader", "Reading Reader",
                                           {"schema-access-strategy": "schema-text-property",
                                            "schema-text": self.p("Reading Schema")})
        # Records a processor of this flow wrote: the writer put their schema in avro.schema.
        ids["reader"] = self.json_reader("schema-attribute-reader", "Record Reader (avro.schema)",
                                         {"schema-access-strategy": "schema-text-property",
                                          "schema-text": "${avro.schema}"})
        # Dead letters (and the MongoDB sink) mix every schema and are not order-sensitive: inference reads them all.
        ids["dead-letter-reader"] = self.json_reader("dead-letter-reader", "Inferring Reader",
                                                     {"schema-access-strategy": "infer-schema"})
        ids["writer"] = self.service("json-writer", "JSON Writer", "org.apache.nifi.json.JsonRecordSetWriter",
                                     nifi("nifi-record-serialization-services-nar"),
                                     {"Schema Write Strategy": "full-schema-attribute",
                                      "schema-access-strategy": "inherit-record-schema",
                                      "suppress-nulls": "never-suppress",
                                      "Allow Scientific Notation": "false",
                                      "output-grouping": "output-oneline"},
                                     [("org.apache.nifi.serialization.RecordSetWriterFactory", nifi("nifi-standard-services-api-nar"))])
        if kafka:
            ids["kafka"] = self.service("kafka", "Kafka Connection", "org.apache.nifi.kafka.service.Kafka3ConnectionService",
                                        nifi("nifi-kafka-3-service-nar"),
                                        {"bootstrap.servers": self.p("Kafka Bootstrap Servers"),
                                         "security.protocol": "PLAINTEXT",
                                         "max.poll.records": self.p("Kafka Max Poll Records")},
                                        [("org.apache.nifi.kafka.service.api.KafkaConnectionService", nifi("nifi-kafka-service-api-nar"))])
        if es:
            ids["es"] = self.service("elasticsearch", "Elasticsearch Client",
                                     "org.apache.nifi.elasticsearch.ElasticSearchClientServiceImpl",
                                     nifi("nifi-elasticsearch-client-service-nar"),
                                     {"el-cs-http-hosts": self.p("Elasticsearch URL"),
                                      "authorization-scheme": "NONE",
                                      "el-cs-connect-timeout": "5000",
                                      "el-cs-socket-timeout": "60000"},
                                     [("org.apache.nifi.elasticsearch.ElasticSearchClientService",
                                       nifi("nifi-elasticsearch-client-service-api-nar"))])
        return ids

    def publish(self, key, name, ids, topic_param, x, y, reader, record=True, auto=("success",)):
        """PublishKafka, one message per record (keyed by machine_id), or with record=False the FlowFile whole."""
        props = {"Kafka Connection Service": ids["kafka"], "Topic Name": self.p(topic_param),
                 "Failure Strategy": "Route to Failure", "Transactions Enabled": "false", "acks": "all"}
        if record:
            props.update({"Record Reader": reader, "Record Writer": ids["writer"],
                          "Publish Strategy": "USE_VALUE", "Message Key Field": "machine_id"})
        return self.processor(key, name, "org.apache.nifi.kafka.processors.PublishKafka", nifi("nifi-kafka-nar"),
                              props, x, y, auto=auto, retried=("failure",))

    def consume(self, key, name, ids, topics, group_param, x, y, reader):
        return self.processor(key, name, "org.apache.nifi.kafka.processors.ConsumeKafka", nifi("nifi-kafka-nar"),
                              {"Kafka Connection Service": ids["kafka"], "Group ID": self.p(group_param),
                               "Topic Format": "names", "Topics": topics, "auto.offset.reset": "earliest",
                               "Processing Strategy": "RECORD", "Record Reader": reader,
                               "Record Writer": ids["writer"], "Output Strategy": "USE_VALUE"}, x, y)

    def dead_letter(self, ids, x, y):
        """Returns the dead letter's entry: one Kafka message per failed record, so a dead letter is never bigger than
        the record it carries, whatever the size of the failed FlowFile. Content that is no set of records (a Kafka
        message ConsumeKafka could not parse, or what the record publisher cannot read) goes as it is."""
        headers = ".*error.*|kafka\\..*|elasticsearch\\..*|twin\\..*|filename"
        dl = self.publish("dead-letter", "Publish Dead Letter Records", ids, "Dead Letter Topic", x, y,
                          ids["dead-letter-reader"])
        self.processors[-1]["properties"]["FlowFile Attribute Header Pattern"] = headers
        raw = self.publish("dead-letter-raw", "Publish Dead Letter As Is", ids, "Dead Letter Topic", x, y + 250,
                           None, record=False)
        self.processors[-1]["properties"]["FlowFile Attribute Header Pattern"] = headers
        self.connect(dl, ["failure"], raw, name="Not records, or not accepted record by record")
        parked = self.funnel("undeliverable", x + 80, y + 470)
        self.connect(raw, ["failure"], parked, name="Undeliverable: Kafka refused the dead letter", objects=10000,
                     size="1 GB", dst_type="FUNNEL")
        self.label("dead-letter", "Failures of every step go to the dead-letter topic (#{Dead Letter Topic}), one "
                   "message per failed record, with their error attributes (record.error.message) as Kafka headers. "
                   "Content that is not records goes as it is. If even that fails, it waits in the queue below: "
                   "nothing is dropped silently.", x + 380, y)
        return dl, raw

    def es_put(self, key, name, ids, index_param, x, y, dl, id_path=None, tasks=1):
        """PutElasticsearchRecord; with id_path each record replaces the document of that id (kept in the record)."""
        properties = {"el-rest-client-service": ids["es"], "put-es-record-reader": ids["reader"],
                      "put-es-record-error-writer": ids["writer"], "put-es-record-index-op": "index",
                      "el-rest-fetch-index": self.p(index_param),
                      "put-es-record-batch-size": self.p("Elasticsearch Batch Size"),
                      "put-es-record-log-error-responses": "true",
                      "put-es-output-error-responses": "false"}
        if id_path:
            properties["put-es-record-id-path"] = id_path
            properties["put-es-record-retain-id-field"] = "true"
        pid = self.processor(key, name, "org.apache.nifi.processors.elasticsearch.PutElasticsearchRecord",
                             nifi("nifi-elasticsearch-restapi-nar"), properties,
                             x, y, auto=("original", "successful"), retried=("failure",), tasks=tasks)
        self.connect(pid, ["retry"], pid, name="Elasticsearch unavailable: retry", objects=1000, size="100 MB")
        self.connect(pid, ["errors", "failure"], dl, name="Rejected by Elasticsearch")
        return pid

    def export(self, filename):
        # Only the services some component of this flow uses.
        used_ids = {v for c in self.processors + self.services for v in c["properties"].values()}
        self.services = [s for s in self.services if s["identifier"] in used_ids]
        for c in self.processors + self.services:
            complete(c)
        # Every flow carries the whole context: NiFi shares a parameter context between imports by name.
        used = {k: PARAMETERS[k] for k in sorted(PARAMETERS)}
        doc = {
            "flowContents": {
                "identifier": self.group, "instanceIdentifier": self.group, "name": self.name,
                "comments": self.comments, "position": {"x": 0.0, "y": 0.0},
                "processGroups": [], "remoteProcessGroups": [],
                "processors": self.processors, "inputPorts": [], "outputPorts": [],
                "connections": self.connections, "labels": self.labels, "funnels": self.funnels,
                "controllerServices": self.services, "parameterContextName": CONTEXT,
                "defaultFlowFileExpiration": "0 sec", "defaultBackPressureObjectThreshold": 10000,
                "defaultBackPressureDataSizeThreshold": "1 GB", "scheduledState": "ENABLED",
                "executionEngine": "INHERITED", "maxConcurrentTasks": 1, "statelessFlowTimeout": "1 min",
                "flowFileConcurrency": "UNBOUNDED", "flowFileOutboundPolicy": "STREAM_WHEN_AVAILABLE",
                "componentType": "PROCESS_GROUP"},
            "externalControllerServices": {},
            "parameterContexts": {CONTEXT: {
                "name": CONTEXT,
                "description": "Everything an operator of the factory twin tunes. Shared by every twin flow.",
                "parameters": [{"name": k, "description": d, "sensitive": False, "provided": False, "value": v}
                               for k, (v, d) in used.items()],
                "inheritedParameterContexts": [], "componentType": "PARAMETER_CONTEXT"}},
            "flowEncodingVersion": "1.0",
            "parameterProviders": {},
            "latest": False,
        }
        with open(os.path.join(OUT, filename), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


def factory_twin():
    f = Flow("Factory Twin", "Simulated factory -> Kafka -> anomaly scoring -> machine health -> Elasticsearch and Kafka.")
    ids = f.common_services(kafka=True, es=True)
    dl, dl_raw = f.dead_letter(ids, 1400, 900)
    gen = f.processor("generate", "Generate Sensor Readings", "io.github.factorytwin.processors.GenerateSensorReadings", TWIN,
                      {"Record Writer": ids["writer"], "Machine Count": f.p("Machine Count"),
                       "Reading Interval": f.p("Reading Interval"), "Pacing": f.p("Pacing"),
                       "Mean Time Between Failures": f.p("Mean Time Between Failures"),
                       "Sensor Fault Probability": f.p("Sensor Fault Probability"),
                       "Include Ground Truth": f.p("Include Ground Truth"),
                       "Batch Size": f.p("Generator Batch Size")}, 0, 0,
                      # run as often as there is work; it yields while no reading is due (REAL_TIME), briefly, so
                      # a reading leaves at most ~100 ms after it is due
                      yield_="100 millis")
    pub = f.publish("publish-sensor", "Publish Sensor Data", ids, "Sensor Topic", 0, 250, ids["readings"])
    f.connect(gen, ["success"], pub)
    f.connect(pub, ["failure"], dl, name="Not published")
    con = f.consume("consume-sensor", "Consume Sensor Data", ids, f.p("Sensor Topic"), "Consumer Group ID", 0, 500,
                    ids["readings"])
    f.connect(con, ["parse failure"], dl_raw, name="Not JSON")
    score = f.processor("score", "Score Anomaly", "io.github.factorytwin.processors.ScoreAnomaly", TWIN,
                        {"Record Reader": ids["readings"], "Record Writer": ids["writer"],
                         "Feature Fields": f.p("Feature Fields"), "Model Source": f.p("Model Source"),
                         "Model File": f.p("Model File"), "Warm-up Size": f.p("Warm-up Size"),
                         "Model Scope": f.p("Model Scope"), "Number of Trees": f.p("Number of Trees"),
                         "Retrain Interval": f.p("Retrain Interval"),
                         "Subsample Size": f.p("Subsample Size"), "Anomaly Threshold": f.p("Anomaly Threshold"),
                         "State Directory": f.p("Anomaly State Directory"),
                         "Machine ID Field": "machine_id", "Machine Type Field": "machine_type"}, 0, 750)
    f.connect(con, ["success"], score)
    health = f.processor("health", "Compute Health Score", "io.github.factorytwin.processors.ComputeHealthScore", TWIN,
                         {"Record Reader": ids["reader"], "Record Writer": ids["writer"],
                          "Sensor Fields": f.p("Feature Fields"), "Warning Threshold": f.p("Warning Threshold"),
                          "Critical Threshold": f.p("Critical Threshold"), "Hysteresis": f.p("Hysteresis"),
                          "Minimum Dwell Time": f.p("Minimum Dwell Time"),
                          "Alert Confirmation Time": f.p("Alert Confirmation Time"),
                          "Late Record Tolerance": f.p("Late Record Tolerance"),
                          "Future Timestamp Tolerance": f.p("Future Timestamp Tolerance"),
                          "Machine ID Field": "machine_id"}, 0, 1000)
    f.connect(score, ["success"], health)
    f.connect(score, ["failure"], dl, name="Not scored")
    pub_anom = f.publish("publish-anomalies", "Publish Anomalies", ids, "Anomalies Topic", 500, 750, ids["reader"])
    f.connect(score, ["anomalous"], pub_anom)
    f.connect(pub_anom, ["failure"], dl, name="Not published")
    idx_anom = f.es_put("index-anomalies", "Index Anomalies", ids, "Anomalies Index", 500, 1000, dl)
    f.connect(score, ["anomalous"], idx_anom)
    # Two bulk requests in flight: documents of the readings index are independent (own ids), so their order does
    # not matter; the current-alerts index (one document per machine) keeps one task.
    idx_read = f.es_put("index-readings", "Index Readings", ids, "Readings Index", 0, 1250, dl, tasks=2)
    f.connect(health, ["success"], idx_read)
    f.connect(health, ["failure"], dl, name="No health score")
    pub_alert = f.publish("publish-alerts", "Publish Alerts", ids, "Alerts Topic", -500, 1000, ids["reader"])
    f.connect(health, ["alerts"], pub_alert)
    f.connect(pub_alert, ["failure"], dl, name="Not published")
    idx_alert = f.es_put("index-alerts", "Index Alerts", ids, "Alerts Index", -500, 1250, dl)
    f.connect(health, ["alerts"], idx_alert)
    idx_current = f.es_put("index-current-alerts", "Index Current Alerts", ids, "Current Alerts Index", -500, 1500,
                           dl, id_path="/machine_id")
    f.connect(health, ["alerts"], idx_current)
    f.export("factory-twin.json")


def model_training():
    f = Flow("Model Training", "Batches readings from Kafka and trains the Isolation Forest into #{Model File}, "
             "which Score Anomaly loads when Model Source is MODEL_FILE.")
    ids = f.common_services(kafka=True)
    dl, dl_raw = f.dead_letter(ids, 700, 500)
    con = f.consume("consume-sensor", "Consume Training Readings", ids, f.p("Sensor Topic"), "Training Consumer Group ID",
                    0, 0, ids["readings"])
    f.connect(con, ["parse failure"], dl_raw, name="Not JSON")
    merge = f.processor("merge", "Batch Training Readings", "org.apache.nifi.processors.standard.MergeRecord", nifi("nifi-standard-nar"),
                        {"record-reader": ids["readings"], "record-writer": ids["writer"],
                         "merge-strategy": "Bin-Packing Algorithm", "min-records": f.p("Training Batch Size"),
                         "max-records": f.p("Training Batch Size"), "max-bin-age": f.p("Training Max Wait"),
                         "max.bin.count": "1"}, 0, 250, auto=("original",))
    f.connect(con, ["success"], merge, objects=100000, size="2 GB")
    f.connect(merge, ["failure"], dl, name="Not merged")
    train = f.processor("train", "Train Anomaly Model", "io.github.factorytwin.processors.TrainAnomalyModel", TWIN,
                        {"Record Reader": ids["readings"], "Feature Fields": f.p("Feature Fields"),
                         "Model File": f.p("Model File"), "Number of Trees": f.p("Number of Trees"),
                         "Subsample Size": f.p("Subsample Size")}, 0, 500, auto=("success",),
                        comments="success is auto-terminated on purpose: the result is the model file.")
    f.connect(merge, ["merged"], train, objects=10, size="2 GB")
    f.connect(train, ["failure"], dl, name="Not trained")
    f.export("model-training.json")


def mongodb_sink():
    f = Flow("MongoDB Sink", "Optional: copies readings, anomalies and alerts from Kafka into MongoDB, one collection per topic.")
    ids = f.common_services(kafka=True)
    mongo = f.service("mongodb", "MongoDB Client", "org.apache.nifi.mongodb.MongoDBControllerService",
                      nifi("nifi-mongodb-services-nar"), {"Mongo URI": f.p("MongoDB URI")},
                      [("org.apache.nifi.mongodb.MongoDBClientService", nifi("nifi-mongodb-client-service-api-nar"))])
    dl, dl_raw = f.dead_letter(ids, 700, 250)
    topics = ",".join(f.p(t) for t in ("Sensor Topic", "Anomalies Topic", "Alerts Topic"))
    # Three topics, three schemas, order irrelevant to MongoDB: inference reads them all.
    con = f.consume("consume", "Consume Twin Topics", ids, topics, "MongoDB Consumer Group ID", 0, 0,
                    ids["dead-letter-reader"])
    f.connect(con, ["parse failure"], dl_raw, name="Not JSON")
    put = f.processor("put", "Put MongoDB Records", "org.apache.nifi.processors.mongodb.PutMongoRecord", nifi("nifi-mongodb-nar"),
                      {"mongo-client-service": mongo, "Mongo Database Name": f.p("MongoDB Database"),
                       "Mongo Collection Name": "${kafka.topic:replace('-', '_')}",
                       "record-reader": ids["dead-letter-reader"]},
                      0, 250, auto=("success",), retried=("failure",))
    f.connect(con, ["success"], put)
    f.connect(put, ["failure"], dl, name="Not stored")
    f.export("mongodb-sink.json")


if __name__ == "__main__":
    factory_twin()
    model_training()
    mongodb_sink()
