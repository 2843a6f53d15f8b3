#!/usr/bin/env python3
"""Extracts the NiFi components our flows use -- type, bundle, property descriptor names and relationships --
from NiFi's own source at a release tag, into flows/nifi-<version>-components.json.

Usage (from the repository root):
    python3 flows/tools/extract-nifi-components.py /path/to/apache/nifi.git rel/nifi-2.6.0 > flows/nifi-2.6.0-components.json

It reads the Java sources with `git show <tag>:<path>` (a bare clone is enough), finds every
`PropertyDescriptor X = new PropertyDescriptor.Builder()...build()` and `Relationship X = new Relationship.Builder()`
in the component's class and the superclasses/helpers listed below, and resolves the component's property list
(the constant or method `getSupportedPropertyDescriptors()` returns, following `super.` calls, helper methods and
other list constants). Properties are keyed by the descriptor NAME (what a flow definition must use), with the display
name beside it. Relationships that exist only under a property setting are listed with that condition, as read from
the source (see CONDITIONAL below). The flow-validation tests in nifi-twin-integration-tests compare every NiFi
component of flows/*.json against this file, and cross-check the entries of the classes on their class path
(JsonTreeReader, JsonRecordSetWriter, MergeRecord) against the real classes at run time.
"""
import json
import re
import subprocess
import sys

EB = "nifi-extension-bundles/"
KAFKA = EB + "nifi-kafka-bundle/"
ES = EB + "nifi-elasticsearch-bundle/"
MONGO = EB + "nifi-mongodb-bundle/"
REC = EB + "nifi-standard-services/nifi-record-serialization-services-bundle/nifi-record-serialization-services/src/main/java/org/apache/nifi/"
STD = EB + "nifi-standard-bundle/nifi-standard-processors/src/main/java/org/apache/nifi/processors/standard/"

# type, kind, NAR artifact, source files: the class first, then the classes it inherits or borrows descriptors from.
COMPONENTS = [
    ("org.apache.nifi.kafka.processors.PublishKafka", "PROCESSOR", "nifi-kafka-nar",
     [KAFKA + "nifi-kafka-processors/src/main/java/org/apache/nifi/kafka/processors/PublishKafka.java"]),
    ("org.apache.nifi.kafka.processors.ConsumeKafka", "PROCESSOR", "nifi-kafka-nar",
     [KAFKA + "nifi-kafka-processors/src/main/java/org/apache/nifi/kafka/processors/ConsumeKafka.java"]),
    ("org.apache.nifi.kafka.service.Kafka3ConnectionService", "CONTROLLER_SERVICE", "nifi-kafka-3-service-nar",
     [KAFKA + "nifi-kafka-service-shared/src/main/java/org/apache/nifi/kafka/service/Kafka3ConnectionService.java",
      KAFKA + "nifi-kafka-shared/src/main/java/org/apache/nifi/kafka/shared/component/KafkaClientComponent.java"]),
    ("org.apache.nifi.processors.elasticsearch.PutElasticsearchRecord", "PROCESSOR", "nifi-elasticsearch-restapi-nar",
     [ES + "nifi-elasticsearch-restapi-processors/src/main/java/org/apache/nifi/processors/elasticsearch/PutElasticsearchRecord.java",
      ES + "nifi-elasticsearch-restapi-processors/src/main/java/org/apache/nifi/processors/elasticsearch/AbstractPutElasticsearch.java",
      ES + "nifi-elasticsearch-restapi-processors/src/main/java/org/apache/nifi/processors/elasticsearch/ElasticsearchRestProcessor.java"]),
    ("org.apache.nifi.elasticsearch.ElasticSearchClientServiceImpl", "CONTROLLER_SERVICE", "nifi-elasticsearch-client-service-nar",
     [ES + "nifi-elasticsearch-client-service/src/main/java/org/apache/nifi/elasticsearch/ElasticSearchClientServiceImpl.java",
      ES + "nifi-elasticsearch-client-service-api/src/main/java/org/apache/nifi/elasticsearch/ElasticSearchClientService.java"]),
    ("org.apache.nifi.processors.mongodb.PutMongoRecord", "PROCESSOR", "nifi-mongodb-nar",
     [MONGO + "nifi-mongodb-processors/src/main/java/org/apache/nifi/processors/mongodb/PutMongoRecord.java",
      MONGO + "nifi-mongodb-processors/src/main/java/org/apache/nifi/processors/mongodb/AbstractMongoProcessor.java"]),
    ("org.apache.nifi.mongodb.MongoDBControllerService", "CONTROLLER_SERVICE", "nifi-mongodb-services-nar",
     [MONGO + "nifi-mongodb-services/src/main/java/org/apache/nifi/mongodb/MongoDBControllerService.java",
      MONGO + "nifi-mongodb-client-service-api/src/main/java/org/apache/nifi/mongodb/MongoDBClientService.java"]),
    ("org.apache.nifi.json.JsonTreeReader", "CONTROLLER_SERVICE", "nifi-record-serialization-services-nar",
     [REC + "json/JsonTreeReader.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-avro-record-utils/src/main/java/org/apache/nifi/serialization/SchemaRegistryService.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-avro-record-utils/src/main/java/org/apache/nifi/schema/access/SchemaAccessUtils.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-json-record-utils/src/main/java/org/apache/nifi/json/AbstractJsonRowRecordReader.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-json-record-utils/src/main/java/org/apache/nifi/json/JsonSchemaInference.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-standard-record-utils/src/main/java/org/apache/nifi/serialization/DateTimeUtils.java",
      EB + "nifi-standard-services/nifi-record-serialization-services-bundle/nifi-record-serialization-services-shared/src/main/java/org/apache/nifi/schema/inference/SchemaInferenceUtil.java"]),
    ("org.apache.nifi.json.JsonRecordSetWriter", "CONTROLLER_SERVICE", "nifi-record-serialization-services-nar",
     [REC + "json/JsonRecordSetWriter.java",
      REC + "serialization/DateTimeTextRecordSetWriter.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-avro-record-utils/src/main/java/org/apache/nifi/serialization/SchemaRegistryRecordSetWriter.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-avro-record-utils/src/main/java/org/apache/nifi/serialization/SchemaRegistryService.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-avro-record-utils/src/main/java/org/apache/nifi/schema/access/SchemaAccessUtils.java",
      EB + "nifi-extension-utils/nifi-record-utils/nifi-standard-record-utils/src/main/java/org/apache/nifi/serialization/DateTimeUtils.java"]),
    ("org.apache.nifi.processors.standard.MergeRecord", "PROCESSOR", "nifi-standard-nar",
     [STD + "MergeRecord.java", STD + "merge/AttributeStrategyUtil.java"]),
]

# Relationships a component adds only under a property setting (read from the source, e.g. ConsumeKafka's
# getRelationships() returns SUCCESS_FAILURE_RELATIONSHIPS when Processing Strategy is RECORD).
CONDITIONAL = {
    "org.apache.nifi.kafka.processors.ConsumeKafka": {"parse failure": {"Processing Strategy": ["RECORD"]}},
    # AbstractPutElasticsearch.onPropertyModified adds error_responses when put-es-output-error-responses is true.
    "org.apache.nifi.processors.elasticsearch.PutElasticsearchRecord": {"error_responses": {"put-es-output-error-responses": ["true"]}},
}


# Defaults given as enum constants: the enum's getValue() for the constant, read by hand from the enum's source at
# the tag (the enums live outside the component's files). Check them when the tag changes.
ENUM_VALUES = {
    "FailureStrategy": {"ROUTE_TO_FAILURE": "Route to Failure"},
    "DeliveryGuarantee": {"DELIVERY_REPLICATED": "all"},
    "PartitionStrategy": {"DEFAULT_PARTITIONER": "org.apache.kafka.clients.producer.internals.DefaultPartitioner"},
    "PublishStrategy": {"USE_VALUE": "USE_VALUE"},
    "KeyEncoding": {"UTF8": "utf-8"},
    "RecordMetadataStrategy": {"FROM_PROPERTIES": "FROM_PROPERTIES"},
    "AutoOffsetReset": {"LATEST": "latest"},
    "ProcessingStrategy": {"FLOW_FILE": "FLOW_FILE"},
    "OutputStrategy": {"USE_VALUE": "USE_VALUE"},
    "KeyFormat": {"BYTE_ARRAY": "byte-array"},
    "SaslMechanism": {"GSSAPI": "GSSAPI"},
    "IsolationLevel": {"READ_COMMITTED": "read_committed"},
    "Operation": {"Index": "index"},
    "AuthorizationScheme": {"BASIC": "BASIC"},
    "UpdateMethod": {"UPDATE_ONE": "one"},
    "StartingFieldStrategy": {"ROOT_NODE": "ROOT_NODE"},
    "SchemaApplicationStrategy": {"SELECTED_PART": "SELECTED_PART"},
    "SecurityProtocol": {"PLAINTEXT": "PLAINTEXT"},
    "StandardCharsets": {"UTF_8": "UTF-8"},
}
# (type, property name) -> default, where the default comes from an overridden method, read by hand at the tag.
OVERRIDES = {
    ("org.apache.nifi.json.JsonTreeReader", "schema-access-strategy"): "infer-schema",  # JsonTreeReader override
    ("org.apache.nifi.json.JsonRecordSetWriter", "schema-access-strategy"): "inherit-record-schema",
    ("org.apache.nifi.json.JsonRecordSetWriter", "Schema Write Strategy"): "no-schema",
}


def git_show(repo, tag, path):
    return subprocess.run(["git", "-C", repo, "show", f"{tag}:{path}"], check=True, capture_output=True, text=True).stdout


def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", src)


def balanced(src, start):
    """The text from src[start] (an opening parenthesis) to its matching close, exclusive."""
    depth, i, in_str = 0, start, None
    while i < len(src):
        c = src[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if src.startswith('"""', i) and in_str == '"""':
                in_str = None
                i += 3
                continue
            if c == '"' and in_str == '"':
                in_str = None
        elif src.startswith('"""', i):
            in_str = '"""'
            i += 3
            continue
        elif c == '"':
            in_str = '"'
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return src[start + 1:i]
        i += 1
    raise ValueError("unbalanced")


class Source:
    def __init__(self, texts):
        self.texts = texts
        self.strings = {}
        for t in texts:
            for m in re.finditer(r'String\s+(\w+)\s*=\s*"([^"]*)"\s*;', t):
                self.strings.setdefault(m.group(1), m.group(2))
        self.descriptors = {}
        self.relationships = {}
        self.shadowed = {}
        self.visiting = set()
        for t in texts:
            for m in re.finditer(r"PropertyDescriptor\s+(\w+)\s*=\s*new\s+(?:PropertyDescriptor\.)?Builder\(\)", t):
                if m.group(1) in self.descriptors:
                    # a superclass's descriptor of the same name, e.g. fromPropertyDescriptor(Super.BATCH_SIZE)
                    self.shadowed.setdefault(m.group(1), self.builder(t, m.end()))
                else:
                    self.descriptors[m.group(1)] = self.builder(t, m.end())
            for m in re.finditer(r"Relationship\s+(\w+)\s*=\s*new\s+Relationship\.Builder\(\)", t):
                body = self.chain(t, m.end())
                self.relationships.setdefault(m.group(1), self.arg(body, "name"))

    def chain(self, t, pos):
        end = t.index(".build()", pos)
        return t[pos:end]

    def arg(self, body, method):
        m = re.search(r"\.\s*" + method + r"\(\s*", body)
        if not m:
            return None
        inner = balanced(body, m.end() - 1 - (len(m.group(0)) - len(m.group(0).rstrip())) if False else body.index("(", m.start()))
        inner = inner.strip()
        if inner.startswith('"') and inner.endswith('"') and inner.count('"') == 2:
            return inner[1:-1]
        ident = inner.split(".")[-1]
        if ident in self.strings:
            return self.strings[ident]
        return None

    def builder(self, t, pos):
        body = self.chain(t, pos)
        base = re.search(r"\.fromPropertyDescriptor\((\w+(?:\.\w+)?)\)", body)
        d = {"name": self.arg(body, "name"), "displayName": self.arg(body, "displayName"),
             "controllerService": ".identifiesControllerService(" in body,
             "base": base.group(1).split(".")[-1] if base else None}
        d["default"] = self.default(body)
        req = re.search(r"\.required\((true|false)\)", body)
        d["required"] = None if req is None else req.group(1) == "true"
        return d

    def default(self, body):
        """The descriptor's default value as NiFi exports it (a string), None without one, UNRESOLVED if unreadable."""
        m = re.search(r"\.\s*defaultValue\(", body)
        if not m:
            return None
        expr = balanced(body, body.index("(", m.start())).strip()
        return self.value_of(expr)

    def value_of(self, expr):
        expr = expr.strip()
        if re.fullmatch(r'"(?:[^"\\]|\\.)*"', expr):
            return bytes(expr[1:-1], "utf-8").decode("unicode_escape")
        m = re.fullmatch(r"(?:String\.valueOf|Integer\.toString|Long\.toString|Boolean\.toString)\((.+)\)", expr)
        if m:
            return self.value_of(m.group(1))
        if re.fullmatch(r"-?\d+[LlDdFf]?", expr):
            return expr.rstrip("LlDdFf")
        if expr in ("true", "false", "Boolean.TRUE.toString()", "Boolean.FALSE.toString()",
                    "Boolean.TRUE", "Boolean.FALSE"):
            return "true" if "rue" in expr.split(".")[-1] or "TRUE" in expr else "false"
        m = re.fullmatch(r"(?:([\w.]+)\.)?(\w+)(?:\.getValue\(\)|\.name\(\)|\.displayName\(\))?", expr)
        if m:
            ident = m.group(2)
            owner = (m.group(1) or "").split(".")[-1]
            if owner in ENUM_VALUES and ident in ENUM_VALUES[owner]:
                return ENUM_VALUES[owner][ident]
            if ident in self.strings:
                return self.strings[ident]
            for t in self.texts:
                av = re.search(r"AllowableValue\s+" + ident + r"\s*=\s*new\s+AllowableValue\(\s*([^,)]+)", t)
                if av:
                    return self.value_of(av.group(1))
                num = re.search(r"\b(?:int|long|Integer|Long)\s+" + ident + r"\s*=\s*(-?\d+)[Ll]?\s*;", t)
                if num:
                    return num.group(1)
        return "UNRESOLVED: " + expr

    def resolve(self, ident, seen=(), table=None):
        d = dict((table or self.descriptors)[ident])
        if d["base"] == ident and ident in self.shadowed and table is None:
            b = self.resolve(ident, seen + (ident,), self.shadowed)
        elif d["base"] and d["base"] in self.descriptors and d["base"] not in seen:
            b = self.resolve(d["base"], seen + (ident,))
        else:
            b = None
        if b is not None:
            for k in ("name", "displayName", "required", "default"):
                if d[k] is None:
                    d[k] = b[k]
            d["controllerService"] = d["controllerService"] or b["controllerService"]
        if d["required"] is None:
            d["required"] = False
        return d

    def method_body(self, name, after_super_of=None):
        files = self.texts if after_super_of is None else self.texts[after_super_of + 1:]
        for i, t in enumerate(files):
            m = re.search(r"\b" + name + r"\s*\([^()]*\)\s*(?:throws\s+[\w.,\s]+)?\{", t)
            if m:
                start = m.end() - 1
                depth = 0
                for j in range(start, len(t)):
                    if t[j] == "{":
                        depth += 1
                    elif t[j] == "}":
                        depth -= 1
                        if depth == 0:
                            return t[start:j], (i if after_super_of is None else after_super_of + 1 + i)
        raise KeyError(name)

    def list_initializer(self, name, level=0):
        for t in self.texts[level:] + self.texts[:level]:
            m = re.search(r"List<PropertyDescriptor>\s+" + name + r"\s*=", t)
            if m:
                end = t.index(";", m.end())
                # the initializer may contain ';' only inside lambdas/strings, which these lists do not use
                return t[m.end():end]
        return None

    def properties(self, expr, level=0, out=None):
        out = [] if out is None else out
        tokens = re.finditer(
            r"super\.getSupportedPropertyDescriptors\(\)|new\s+(?:PropertyDescriptor\.)?Builder\(\)|(\w+)\s*\(|\b((?:[A-Z]\w*\.)?[A-Z][A-Z0-9_]+)\b",
            expr)
        skip_until = -1
        for m in tokens:
            if m.start() < skip_until:
                continue
            text = m.group(0)
            if text.startswith("super."):
                body, idx = self.method_body("getSupportedPropertyDescriptors", level)
                self.properties(body, idx, out)
            elif text.startswith("new"):
                end = expr.index(".build()", m.end())
                d = self.builder(expr, m.end())
                if d["base"]:
                    base = self.resolve(d["base"])
                    cs = d["controllerService"] or base["controllerService"]
                    d = {**base, **{k: v for k, v in d.items() if v is not None and k != "base"}}
                    d["controllerService"] = cs
                out.append(d)
                skip_until = end
            elif m.group(1):
                name = m.group(1)
                if name in ("of", "stream", "toList", "concat", "add", "addAll", "asList", "unmodifiableList", "List",
                            "build", "getSupportedPropertyDescriptors", "fromPropertyDescriptor", "Builder",
                            "dependsOn", "defaultValue", "allowableValues", "getValue", "toArray", "name",
                            "required", "description", "displayName"):
                    continue
                try:
                    body, idx = self.method_body(name)
                except KeyError:
                    continue
                if ("method", name) in self.visiting:
                    continue
                self.visiting.add(("method", name))
                self.properties(body, idx, out)
            else:
                ident = m.group(2).split(".")[-1]
                if ident in self.descriptors:
                    out.append(self.resolve(ident))
                else:
                    key = ("list", ident, level)
                    init = self.list_initializer(ident, level)
                    if init is not None and key not in self.visiting:
                        self.visiting.add(key)
                        self.properties(init, level, out)
                    elif init is None and "." in m.group(2) and not m.group(2).split(".")[0].isupper():
                        # Class.CONSTANT that is neither a descriptor nor a list we read: a source file is missing
                        raise SystemExit(f"unresolved {m.group(2)}: add its source file to COMPONENTS")
        return out


def extract(repo, tag, version):
    components = []
    for type_, kind, artifact, paths in COMPONENTS:
        texts = [strip_comments(git_show(repo, tag, p)) for p in paths]
        src = Source(texts)
        body, idx = src.method_body("getSupportedPropertyDescriptors")
        props = src.properties(body, idx)
        seen, properties = set(), []
        for p in props:
            if p["name"] is None:
                raise SystemExit(f"{type_}: a descriptor without a resolvable name: {p}")
            if p["name"] in seen:
                continue
            seen.add(p["name"])
            if (type_, p["name"]) in OVERRIDES:
                p["default"] = OVERRIDES[(type_, p["name"])]
            if p.get("default") is not None and p["default"].startswith("UNRESOLVED"):
                raise SystemExit(f"{type_}.{p['name']}: {p['default']} (add it to ENUM_VALUES or OVERRIDES)")
            properties.append({"name": p["name"], "displayName": p["displayName"] or p["name"],
                               "controllerService": p["controllerService"], "required": p["required"],
                               "default": p.get("default")})
        entry = {"type": type_, "kind": kind,
                 "bundle": {"group": "org.apache.nifi", "artifact": artifact, "version": version},
                 "source": [f"{tag}:{p}" for p in paths], "properties": properties}
        if kind == "PROCESSOR":
            cond = CONDITIONAL.get(type_, {})
            rels = sorted(set(v for v in src.relationships.values() if v) | set(cond))
            entry["relationships"] = [{"name": r, **({"onlyWhen": cond[r]} if r in cond else {})} for r in rels]
        components.append(entry)
    return {"nifiVersion": version, "tag": tag,
            "generatedBy": "flows/tools/extract-nifi-components.py (reads NiFi's Java source at the tag)",
            "components": components}


if __name__ == "__main__":
    repo, tag = sys.argv[1], sys.argv[2]
    version = tag.rsplit("-", 1)[-1]
    print(json.dumps(extract(repo, tag, version), indent=2))
