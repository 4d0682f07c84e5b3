package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.PushRules;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetPushRuleActionsResponse;
import dev.mxspec.spec.v1_7.clientserver.GetPushRulesResponse;
import dev.mxspec.spec.v1_7.clientserver.IsPushRuleEnabledResponse;
import dev.mxspec.spec.v1_7.clientserver.PushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeletePushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRuleActions;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRules;
import dev.mxspec.spec.v1_7.clientserver.endpoints.IsPushRuleEnabled;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRuleActions;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRuleEnabled;
import dev.mxspec.spec.v1_7.clientserver.server.PushrulesHandler;
import java.util.Map;

/** Push rules: the user's own rules, added, ordered, enabled and changed through the API, delivered in sync as {@code m.push_rules}. */
public final class PushRuleHandlers implements PushrulesHandler {

    private final PushRules rules;

    public PushRuleHandlers(PushRules rules) {
        this.rules = rules;
    }

    private static String user(RequestContext context) {
        return caller(context).userId();
    }

    private static <T> T typed(JsonNode json, Class<T> type) {
        return MatrixJson.mapper().convertValue(json, type);
    }

    @Override
    public GetPushRulesResponse getPushRules(RequestContext context, GetPushRules.Request request) {
        return typed(rules.ruleset(user(context)), GetPushRulesResponse.class);
    }

    @Override
    public PushRule getPushRule(RequestContext context, GetPushRule.Request request) {
        return typed(rules.rule(user(context), request.scope(), request.kind().value(), request.ruleId()), PushRule.class);
    }

    @Override
    public JsonNode setPushRule(RequestContext context, SetPushRule.Request request) {
        var body = request.body();
        rules.put(user(context), request.scope(), request.kind().value(), request.ruleId(), request.before(), request.after(),
                MatrixJson.tree(body.actions()), body.conditions().map(MatrixJson::tree), body.pattern());
        return empty();
    }

    @Override
    public JsonNode deletePushRule(RequestContext context, DeletePushRule.Request request) {
        rules.delete(user(context), request.scope(), request.kind().value(), request.ruleId());
        return empty();
    }

    @Override
    public GetPushRuleActionsResponse getPushRuleActions(RequestContext context, GetPushRuleActions.Request request) {
        JsonNode rule = rules.rule(user(context), request.scope(), request.kind().value(), request.ruleId());
        return typed(MatrixJson.mapper().createObjectNode().set("actions", rule.path("actions")), GetPushRuleActionsResponse.class);
    }

    @Override
    public JsonNode setPushRuleActions(RequestContext context, SetPushRuleActions.Request request) {
        rules.setActions(user(context), request.scope(), request.kind().value(), request.ruleId(), MatrixJson.tree(request.body().actions()));
        return empty();
    }

    @Override
    public IsPushRuleEnabledResponse isPushRuleEnabled(RequestContext context, IsPushRuleEnabled.Request request) {
        JsonNode rule = rules.rule(user(context), request.scope(), request.kind().value(), request.ruleId());
        return new IsPushRuleEnabledResponse(rule.path("enabled").asBoolean(true), Map.of());
    }

    @Override
    public JsonNode setPushRuleEnabled(RequestContext context, SetPushRuleEnabled.Request request) {
        rules.setEnabled(user(context), request.scope(), request.kind().value(), request.ruleId(), request.body().enabled());
        return empty();
    }
}
