package io.github.factorytwin.it.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.records.TwinFields;
import io.github.factorytwin.setup.ElasticsearchTemplates;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every record field the processors write (TwinFields) is mapped in an index template, so dashboards can query it. */
class IndexTemplatesCoverRecordFieldsTest {

    @Test
    void everyTwinFieldIsMapped() throws IllegalAccessException {
        Set<String> mapped = new HashSet<>();
        for (String index : ElasticsearchTemplates.INDICES) {
            mapped.addAll(ElasticsearchTemplates.mappedFields(index).keySet());
        }
        Set<String> missing = new TreeSet<>();
        int fields = 0;
        for (Field f : TwinFields.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String value = (String) f.get(null);
                if (value.contains(".")) {
                    continue; // FlowFile attributes such as record.error.message, not record fields
                }
                fields++;
                if (!mapped.contains(value)) {
                    missing.add("TwinFields." + f.getName() + " = " + value);
                }
            }
        }
        assertFalse(fields == 0, "TwinFields has record fields");
        assertTrue(
                missing.isEmpty(),
                "not mapped in nifi-twin-setup's index templates (add them to"
                        + " src/main/resources/elasticsearch/*.template.json): " + missing);
    }
}
