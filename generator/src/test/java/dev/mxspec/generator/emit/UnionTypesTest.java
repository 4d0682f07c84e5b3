package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.runtime.json.CanonicalJson;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unions of generated code: each value read as the first shape it fits, JSON that fits none kept as
 * it is, and both written back unchanged. Open objects whose fields the spec gives elsewhere are typed.
 */
class UnionTypesTest {

    private final CompiledRelease v17 = CompiledRelease.of("v1.7");
    private final CompiledRelease v116 = CompiledRelease.of("v1.16");

    @Test
    void pushRuleActionsAreStringsObjectsOrKeptAsTheyCame() throws Exception {
        String json = "{\"actions\":[\"notify\",{\"set_tweak\":\"sound\",\"value\":\"bing\"},7],\"default\":false,"
                + "\"enabled\":true,\"rule_id\":\"cake\"}";
        Object rule = read(v17, "PushRule", json);

        List<?> actions = (List<?>) rule.getClass().getMethod("actions").invoke(rule);
        assertThat(actions).extracting(a -> a.getClass().getSimpleName()).containsExactly("StringValue", "ObjectValue", "Other");
        assertThat(value(actions.get(0))).isEqualTo("notify");
        assertThat(MatrixJson.write(rule)).isEqualTo(json);
    }

    @Test
    void oneTimeKeysAreStringsOrSignedKeyObjectsInEveryRelease() throws Exception {
        String json = "{\"one_time_keys\":{\"curve25519:A\":\"k1\",\"signed_curve25519:B\":{\"key\":\"k2\","
                + "\"signatures\":{\"@a:x\":{\"ed25519:D\":\"s\"}}},\"signed_curve25519:C\":{\"key\":\"k3\"}}}";
        for (CompiledRelease release : List.of(v17, v116)) {
            Object upload = read(release, "UploadKeysRequest", json);

            Map<?, ?> keys = (Map<?, ?>) ((java.util.Optional<?>) upload.getClass().getMethod("oneTimeKeys").invoke(upload)).orElseThrow();
            assertThat(keys.get("curve25519:A").getClass().getSimpleName()).isEqualTo("StringValue");
            Object signed = value(keys.get("signed_curve25519:B"));
            assertThat(signed.getClass().getSimpleName()).isEqualTo("UploadKeysRequestOneTimeKeysObject");
            assertThat(signed.getClass().getMethod("key").invoke(signed)).isEqualTo("k2");
            // A key object without its required signatures fits no shape and is kept as it came.
            assertThat(keys.get("signed_curve25519:C").getClass().getSimpleName()).isEqualTo("Other");
            assertThat(CanonicalJson.write(MatrixJson.tree(upload))).isEqualTo(CanonicalJson.write(CanonicalJson.parse(json)));
        }
    }

    @Test
    void syncsDeviceListsAndToDeviceMessagesHaveTheFieldsOfTheProse() throws Exception {
        String json = "{\"next_batch\":\"s1\",\"device_lists\":{\"changed\":[\"@a:x\"],\"left\":[\"@b:x\"]},"
                + "\"to_device\":{\"events\":[{\"content\":{\"k\":1},\"sender\":\"@a:x\",\"type\":\"m.dummy\",\"org.example\":true}]}}";
        Object sync = read(v17, "SyncResponse", json);

        Object lists = ((java.util.Optional<?>) sync.getClass().getMethod("deviceLists").invoke(sync)).orElseThrow();
        assertThat(lists.getClass().getMethod("changed").invoke(lists)).isEqualTo(java.util.Optional.of(List.of("@a:x")));
        Object toDevice = ((java.util.Optional<?>) sync.getClass().getMethod("toDevice").invoke(sync)).orElseThrow();
        List<?> events = (List<?>) ((java.util.Optional<?>) toDevice.getClass().getMethod("events").invoke(toDevice)).orElseThrow();
        assertThat(events.getFirst().getClass().getMethod("sender").invoke(events.getFirst())).isEqualTo(java.util.Optional.of("@a:x"));
        assertThat(CanonicalJson.write(MatrixJson.tree(sync))).isEqualTo(CanonicalJson.write(CanonicalJson.parse(json)));
    }

    @Test
    void aNullablePushConditionValueKeepsItsKind() throws Exception {
        for (String value : List.of("\"x\"", "3", "true", "null")) {
            String json = "{\"kind\":\"event_property_is\",\"key\":\"content.k\",\"value\":" + value + "}";
            Object condition = read(v116, "PushCondition", json);

            assertThat(MatrixJson.write(condition)).isEqualTo(json);
        }
    }

    private static Object read(CompiledRelease release, String typeName, String json) throws Exception {
        return MatrixJson.read(json, release.load(release.layout.typeClass(typeName).canonicalName()));
    }

    private static Object value(Object variant) throws Exception {
        return variant.getClass().getMethod("value").invoke(variant);
    }
}
