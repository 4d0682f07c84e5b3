package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetPushRuleActionsResponse;
import dev.mxspec.spec.v1_7.clientserver.GetPushRulesResponse;
import dev.mxspec.spec.v1_7.clientserver.IsPushRuleEnabledResponse;
import dev.mxspec.spec.v1_7.clientserver.PushRule;
import dev.mxspec.spec.v1_7.clientserver.Ruleset;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeletePushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRuleActions;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushRules;
import dev.mxspec.spec.v1_7.clientserver.endpoints.IsPushRuleEnabled;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRule;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRuleActions;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPushRuleEnabled;
import dev.mxspec.spec.v1_7.clientserver.server.PushrulesHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Push rules, read-only for now: every user has the empty rule set (clients read it at start-up);
 * changing rules answers {@code M_UNRECOGNIZED}.
 */
public final class PushRuleHandlers implements PushrulesHandler {

    private static MatrixException unsupported() {
        return new MatrixException(404, ErrorCodes.M_UNRECOGNIZED, "push rules cannot be changed on this server yet");
    }

    private static MatrixException notFound() {
        return new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such push rule");
    }

    @Override
    public GetPushRulesResponse getPushRules(RequestContext context, GetPushRules.Request request) {
        return new GetPushRulesResponse(new Ruleset(Optional.of(List.of()), Optional.of(List.of()), Optional.of(List.of()),
                Optional.of(List.of()), Optional.of(List.of()), Map.of()), Map.of());
    }

    @Override
    public PushRule getPushRule(RequestContext context, GetPushRule.Request request) {
        throw notFound();
    }

    @Override
    public JsonNode setPushRule(RequestContext context, SetPushRule.Request request) {
        throw unsupported();
    }

    @Override
    public JsonNode deletePushRule(RequestContext context, DeletePushRule.Request request) {
        throw notFound();
    }

    @Override
    public GetPushRuleActionsResponse getPushRuleActions(RequestContext context, GetPushRuleActions.Request request) {
        throw notFound();
    }

    @Override
    public JsonNode setPushRuleActions(RequestContext context, SetPushRuleActions.Request request) {
        throw unsupported();
    }

    @Override
    public IsPushRuleEnabledResponse isPushRuleEnabled(RequestContext context, IsPushRuleEnabled.Request request) {
        throw notFound();
    }

    @Override
    public JsonNode setPushRuleEnabled(RequestContext context, SetPushRuleEnabled.Request request) {
        throw unsupported();
    }
}
