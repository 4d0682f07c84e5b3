package dev.mxspec.homeserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.DeletePushRuleKind;
import dev.mxspec.spec.v1_7.clientserver.GetPushRuleKind;
import dev.mxspec.spec.v1_7.clientserver.IsPushRuleEnabledKind;
import dev.mxspec.spec.v1_7.clientserver.PushCondition;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleActionsKind;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleActionsRequest;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleActionsRequestActions;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleEnabledKind;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleEnabledRequest;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleKind;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleRequest;
import dev.mxspec.spec.v1_7.clientserver.SetPushRuleRequestActions;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeletePushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRules;
import dev.mxspec.spec.v1_7.clientserver.endpoints.IsPushRuleEnabled;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetAccountData;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRuleActions;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRuleEnabled;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push rules over HTTP with the generated client: add, order, enable, change, delete, and see them in sync. */
class PushRulesTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private ClientServerClient api;

    @BeforeEach
    void start() throws Exception {
        server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite", Optional.empty(),
                true, 0, 0));
        MatrixSession alice = MatrixSession.connect("http://127.0.0.1:" + server.port());
        alice.register("alice", "alice-password");
        api = alice.api();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void put(String kind, String ruleId, Optional<String> before, Optional<String> pattern, String action) {
        List<PushCondition> conditions = List.of(new PushCondition("event_match", Optional.of("type"), Optional.of("m.room.message"),
                Optional.empty(), Map.of()));
        api.setPushRule(new SetPushRule.Request("global", new SetPushRuleKind(kind), ruleId, before, Optional.empty(),
                new SetPushRuleRequest(List.of(new SetPushRuleRequestActions.StringValue(action)), kind.equals("override") ? Optional.of(conditions) : Optional.empty(),
                        pattern, Map.of())));
    }

    private List<String> ids(String kind) {
        JsonNode global = MatrixJson.tree(api.getPushRules(new GetPushRules.Request())).path("global");
        return global.path(kind).findValuesAsText("rule_id").stream().filter(id -> !id.startsWith(".")).toList();
    }

    private static MatrixException error(Runnable call) {
        try {
            call.run();
        } catch (MatrixException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    @Test
    void rulesAreAddedOrderedEnabledChangedAndDeleted() {
        JsonNode empty = MatrixJson.tree(api.getPushRules(new GetPushRules.Request())).path("global");
        assertThat(empty.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("override", "content", "room", "sender",
                "underride");

        put("override", "a", Optional.empty(), Optional.empty(), "notify");
        put("override", "b", Optional.empty(), Optional.empty(), "notify");
        put("override", "c", Optional.of("a"), Optional.empty(), "notify");
        assertThat(ids("override")).containsExactly("c", "a", "b");
        put("override", "c", Optional.empty(), Optional.empty(), "dont_notify");
        assertThat(ids("override")).as("replacing without a position moves the rule to the end").containsExactly("a", "b", "c");

        put("content", "tea", Optional.empty(), Optional.of("tea"), "notify");
        JsonNode tea = MatrixJson.tree(api.getPushRule(new GetPushRule.Request("global", new GetPushRuleKind("content"), "tea")));
        assertThat(tea.path("pattern").asText()).isEqualTo("tea");
        assertThat(tea.path("enabled").asBoolean()).isTrue();
        assertThat(tea.path("default").asBoolean()).isFalse();

        api.setPushRuleEnabled(new SetPushRuleEnabled.Request("global", new SetPushRuleEnabledKind("content"), "tea",
                new SetPushRuleEnabledRequest(false, Map.of())));
        assertThat(api.isPushRuleEnabled(new IsPushRuleEnabled.Request("global", new IsPushRuleEnabledKind("content"), "tea")).enabled())
                .isFalse();
        api.setPushRuleActions(new SetPushRuleActions.Request("global", new SetPushRuleActionsKind("content"), "tea",
                new SetPushRuleActionsRequest(List.of(new SetPushRuleActionsRequestActions.StringValue("dont_notify")), Map.of())));
        put("content", "tea", Optional.empty(), Optional.of("green tea"), "notify");
        tea = MatrixJson.tree(api.getPushRule(new GetPushRule.Request("global", new GetPushRuleKind("content"), "tea")));
        assertThat(tea.path("pattern").asText()).isEqualTo("green tea");
        assertThat(tea.path("enabled").asBoolean()).as("replacing a rule keeps it disabled").isFalse();

        String sync = MatrixJson.write(api.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty())).accountData());
        assertThat(sync).contains("\"type\":\"m.push_rules\"").contains("\"pattern\":\"green tea\"");

        api.deletePushRule(new DeletePushRule.Request("global", new DeletePushRuleKind("override"), "a"));
        assertThat(ids("override")).containsExactly("b", "c");
        assertThat(error(() -> api.getPushRule(new GetPushRule.Request("global", new GetPushRuleKind("override"), "a"))).errcode())
                .isEqualTo("M_NOT_FOUND");
    }

    @Test
    void badRulesAreRefusedWithTheRightErrors() {
        MatrixException serverRule = error(() -> put("override", ".m.rule.master", Optional.empty(), Optional.empty(), "notify"));
        assertThat(serverRule.status()).isEqualTo(400);
        assertThat(serverRule.errcode()).isEqualTo("M_INVALID_PARAM");
        assertThat(error(() -> put("content", "nopattern", Optional.empty(), Optional.empty(), "notify")).errcode())
                .isEqualTo("M_MISSING_PARAM");
        MatrixException notThere = error(() -> put("override", "x", Optional.of("missing"), Optional.empty(), "notify"));
        assertThat(notThere.status()).isEqualTo(400);
        assertThat(notThere.errcode()).isEqualTo("M_UNKNOWN");
        assertThat(error(() -> api.getPushRule(new GetPushRule.Request("device", new GetPushRuleKind("override"), "x"))).errcode())
                .isEqualTo("M_INVALID_PARAM");
        assertThat(ids("override")).as("nothing half-done is left").isEmpty();

        MatrixException direct = error(() -> api.setAccountData(new SetAccountData.Request("@alice:localhost", "m.push_rules",
                MatrixJson.mapper().createObjectNode())));
        assertThat(direct.status()).isEqualTo(405);
        assertThat(direct.errcode()).isEqualTo("M_BAD_JSON");
        assertThatThrownBy(() -> api.setAccountData(new SetAccountData.Request("@alice:localhost", "m.fully_read",
                MatrixJson.mapper().createObjectNode()))).isInstanceOf(MatrixException.class);
    }
}
