package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.Delete3pidFromAccountResponse;
import dev.mxspec.spec.v1_7.clientserver.Delete3pidFromAccountResponseIdServerUnbindResult;
import dev.mxspec.spec.v1_7.clientserver.GetAccount3PIDsResponse;
import dev.mxspec.spec.v1_7.clientserver.Post3PIDsResponse;
import dev.mxspec.spec.v1_7.clientserver.RequestTokenResponse;
import dev.mxspec.spec.v1_7.clientserver.Unbind3pidFromAccountResponse;
import dev.mxspec.spec.v1_7.clientserver.Unbind3pidFromAccountResponseIdServerUnbindResult;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Add3PID;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Bind3PID;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Delete3pidFromAccount;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetAccount3PIDs;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Post3PIDs;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestTokenTo3PIDEmail;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestTokenTo3PIDMSISDN;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Unbind3pidFromAccount;
import dev.mxspec.spec.v1_7.clientserver.server.AdministrativeContactHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Third-party identifiers of an account. This server does not validate or bind any (the
 * {@code m.3pid_changes} capability says so): every account's list is empty, adding or binding one
 * is refused with {@code M_THREEPID_DENIED}, and removing one has nothing to remove.
 */
public final class ThirdPartyIdHandlers implements AdministrativeContactHandler {

    private static MatrixException denied() {
        return new MatrixException(403, "M_THREEPID_DENIED", "this server does not add third-party identifiers to accounts");
    }

    @Override
    public GetAccount3PIDsResponse getAccount3PIDs(RequestContext context, GetAccount3PIDs.Request request) {
        Handlers.caller(context);
        return new GetAccount3PIDsResponse(Optional.of(List.of()), Map.of());
    }

    @Override
    @Deprecated
    public Post3PIDsResponse post3PIDs(RequestContext context, Post3PIDs.Request request) {
        throw denied();
    }

    @Override
    public JsonNode add3PID(RequestContext context, Add3PID.Request request) {
        throw denied();
    }

    @Override
    public JsonNode bind3PID(RequestContext context, Bind3PID.Request request) {
        throw denied();
    }

    @Override
    public Delete3pidFromAccountResponse delete3pidFromAccount(RequestContext context, Delete3pidFromAccount.Request request) {
        return new Delete3pidFromAccountResponse(Delete3pidFromAccountResponseIdServerUnbindResult.NO_SUPPORT, Map.of());
    }

    @Override
    public RequestTokenResponse requestTokenTo3PIDEmail(RequestContext context, RequestTokenTo3PIDEmail.Request request) {
        throw denied();
    }

    @Override
    public RequestTokenResponse requestTokenTo3PIDMSISDN(RequestContext context, RequestTokenTo3PIDMSISDN.Request request) {
        throw denied();
    }

    @Override
    public Unbind3pidFromAccountResponse unbind3pidFromAccount(RequestContext context, Unbind3pidFromAccount.Request request) {
        return new Unbind3pidFromAccountResponse(Unbind3pidFromAccountResponseIdServerUnbindResult.NO_SUPPORT, Map.of());
    }
}
