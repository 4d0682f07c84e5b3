package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.Delete3pidFromAccountResponse;
import dev.mxspec.spec.v1_7.clientserver.Delete3pidFromAccountResponseIdServerUnbindResult;
import dev.mxspec.spec.v1_7.clientserver.GetAccount3PIDsResponse;
import dev.mxspec.spec.v1_7.clientserver.Post3PIDsResponse;
import dev.mxspec.spec.v1_7.clientserver.RequestTokenResponse;
import dev.mxspec.spec.v1_7.clientserver.RequestTokenTo3PIDMSISDNRequest;
import dev.mxspec.spec.v1_7.clientserver.ThirdPartyIdentifier;
import dev.mxspec.spec.v1_7.clientserver.ThirdPartyIdentifierMedium;
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
import java.util.Map;
import java.util.Optional;

/**
 * Third-party identifiers of an account ({@link ThirdPartyIds}): email addresses this server validated itself (it
 * mails the token of {@code requestToken}) are added with {@code 3pid/add} after a password stage of interactive
 * authentication, listed, and removed with {@code 3pid/delete}; {@code 3pid/bind} binds an identifier an identity
 * server validated there, {@code 3pid/unbind} and {@code 3pid/delete} unbind it from the identity servers it was bound
 * through ({@code id_server_unbind_result} {@code success}, or {@code no-support} when none is known or one does not
 * support unbinding). Phone numbers are validated by the identity server of {@code msisdn_delegate}, and refused (400
 * {@code M_UNKNOWN}) without one.
 */
public final class ThirdPartyIdHandlers implements AdministrativeContactHandler {

    private final ThirdPartyIds threepids;
    private final Uia uia;

    public ThirdPartyIdHandlers(ThirdPartyIds threepids, AccountService accounts) {
        this.threepids = threepids;
        this.uia = new Uia(accounts, System::currentTimeMillis);
    }

    @Override
    public GetAccount3PIDsResponse getAccount3PIDs(RequestContext context, GetAccount3PIDs.Request request) {
        Caller caller = Handlers.caller(context);
        return new GetAccount3PIDsResponse(Optional.of(threepids.list(caller.userId()).stream()
                .map(t -> new ThirdPartyIdentifier(ThirdPartyIdentifierMedium.of(t.medium()), t.address(), t.validatedMs(), t.addedMs(), Map.of()))
                .toList()), Map.of());
    }

    @Override
    @Deprecated
    public Post3PIDsResponse post3PIDs(RequestContext context, Post3PIDs.Request request) {
        Handlers.caller(context);
        throw new MatrixException(403, "M_THREEPID_DENIED", "POST /account/3pid (deprecated) is not supported: use /account/3pid/add and /bind");
    }

    @Override
    public JsonNode add3PID(RequestContext context, Add3PID.Request request) {
        Caller caller = Handlers.caller(context);
        uia.require(context, Uia.PASSWORD, Optional.of(caller.userId()));
        threepids.add(caller.userId(), request.body().sid(), request.body().clientSecret());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode bind3PID(RequestContext context, Bind3PID.Request request) {
        Caller caller = Handlers.caller(context);
        threepids.bind(caller.userId(), request.body().idServer(), request.body().idAccessToken(), request.body().sid(),
                request.body().clientSecret());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public Delete3pidFromAccountResponse delete3pidFromAccount(RequestContext context, Delete3pidFromAccount.Request request) {
        Caller caller = Handlers.caller(context);
        boolean unbound = threepids.delete(caller.userId(), request.body().idServer(), medium(request.body().medium().value()),
                request.body().address());
        return new Delete3pidFromAccountResponse(unbound ? Delete3pidFromAccountResponseIdServerUnbindResult.SUCCESS
                : Delete3pidFromAccountResponseIdServerUnbindResult.NO_SUPPORT, Map.of());
    }

    @Override
    public Unbind3pidFromAccountResponse unbind3pidFromAccount(RequestContext context, Unbind3pidFromAccount.Request request) {
        Caller caller = Handlers.caller(context);
        boolean unbound = threepids.unbind(caller.userId(), request.body().idServer(), medium(request.body().medium().value()),
                request.body().address());
        return new Unbind3pidFromAccountResponse(unbound ? Unbind3pidFromAccountResponseIdServerUnbindResult.SUCCESS
                : Unbind3pidFromAccountResponseIdServerUnbindResult.NO_SUPPORT, Map.of());
    }

    @Override
    public RequestTokenResponse requestTokenTo3PIDEmail(RequestContext context, RequestTokenTo3PIDEmail.Request request) {
        ThirdPartyIds.Requested r = threepids.requestEmailToken(ThirdPartyIds.Purpose.ADD, request.body().clientSecret(), request.body().email(),
                request.body().sendAttempt());
        return new RequestTokenResponse(r.sid(), Optional.of(r.submitUrl()), Map.of());
    }

    @Override
    public RequestTokenResponse requestTokenTo3PIDMSISDN(RequestContext context, RequestTokenTo3PIDMSISDN.Request request) {
        return requestMsisdnToken(threepids, ThirdPartyIds.Purpose.ADD, request.body());
    }

    /** A {@code requestToken} of a phone number, for {@code purpose}, through the identity server of {@code msisdn_delegate}. */
    static RequestTokenResponse requestMsisdnToken(ThirdPartyIds threepids, ThirdPartyIds.Purpose purpose, RequestTokenTo3PIDMSISDNRequest body) {
        ThirdPartyIds.Requested r = threepids.requestMsisdnToken(purpose, body.clientSecret(), body.country(), body.phoneNumber(),
                body.sendAttempt(), body.nextLink());
        return new RequestTokenResponse(r.sid(), Optional.of(r.submitUrl()), Map.of());
    }

    private static String medium(String medium) {
        if (!medium.equals("email") && !medium.equals("msisdn")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "medium must be email or msisdn");
        }
        return medium;
    }
}
