package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.appservice.Registration;
import dev.mxspec.homeserver.appservice.ServiceAccounts;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.RegistrationTokens;
import dev.mxspec.homeserver.services.AccountService.Session;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.homeserver.services.RateLimiter;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.CheckUsernameAvailabilityResponse;
import dev.mxspec.spec.v1_7.clientserver.DeactivateAccountResponse;
import dev.mxspec.spec.v1_7.clientserver.DeactivateAccountResponseIdServerUnbindResult;
import dev.mxspec.spec.v1_7.clientserver.GenerateLoginTokenResponse;
import dev.mxspec.spec.v1_7.clientserver.GetDevicesResponse;
import dev.mxspec.spec.v1_7.clientserver.GetDevicesResponseDevices;
import dev.mxspec.spec.v1_7.clientserver.GetLoginFlowsResponse;
import dev.mxspec.spec.v1_7.clientserver.GetTokenOwnerResponse;
import dev.mxspec.spec.v1_7.clientserver.LoginFlow;
import dev.mxspec.spec.v1_7.clientserver.LoginRequest;
import dev.mxspec.spec.v1_7.clientserver.LoginResponse;
import dev.mxspec.spec.v1_7.clientserver.RefreshResponse;
import dev.mxspec.spec.v1_7.clientserver.RegisterResponse;
import dev.mxspec.spec.v1_7.clientserver.RequestTokenResponse;
import dev.mxspec.spec.v1_7.clientserver.RequestTokenTo3PIDEmailRequest;
import dev.mxspec.spec.v1_7.clientserver.endpoints.ChangePassword;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CheckUsernameAvailability;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeactivateAccount;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteDevice;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteDevices;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GenerateLoginToken;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetDevice;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetDevices;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetLoginFlows;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetTokenOwner;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Login;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Logout;
import dev.mxspec.spec.v1_7.clientserver.endpoints.LogoutAll;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Refresh;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Register;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestTokenToRegisterEmail;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestTokenToRegisterMsisdn;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestTokenToResetPasswordEmail;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestTokenToResetPasswordMsisdn;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UpdateDevice;
import dev.mxspec.spec.v1_7.clientserver.server.DeviceManagementHandler;
import dev.mxspec.spec.v1_7.clientserver.server.LoginHandler;
import dev.mxspec.spec.v1_7.clientserver.server.LoginTokenHandler;
import dev.mxspec.spec.v1_7.clientserver.server.LogoutHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RefreshHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RegistrationHandler;
import dev.mxspec.spec.v1_7.clientserver.server.WhoamiHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Registration, login, logout, tokens and devices, on {@link AccountService}. */
public final class AccountHandlers implements RegistrationHandler, LoginHandler, LogoutHandler, WhoamiHandler, RefreshHandler,
        LoginTokenHandler, DeviceManagementHandler {

    private final AccountService accounts;
    private final boolean registration;
    private final RateLimiter limiter;
    private final Uia uia;
    private Optional<RegistrationTokens> tokens = Optional.empty();
    private final ServiceAccounts services;
    private Optional<ThirdPartyIds> threepids = Optional.empty();
    private boolean guests;
    private boolean requireEmail;

    /** @param services the application services, which register and log in their users with {@link ServiceAccounts#TYPE} */
    public AccountHandlers(AccountService accounts, boolean registration, RateLimiter limiter, ServiceAccounts services) {
        this.accounts = accounts;
        this.uia = new Uia(accounts, System::currentTimeMillis);
        this.registration = registration;
        this.limiter = limiter;
        this.services = services;
    }

    /** Registration takes a registration token ({@code registration_requires_token}) from these. */
    public AccountHandlers requireTokens(RegistrationTokens tokens) {
        this.tokens = Optional.of(tokens);
        uia.registrationTokens(tokens);
        return this;
    }

    /** Guests may register ({@code allow_guest_access}) and upgrade to full accounts. */
    public AccountHandlers allowGuests(boolean allow) {
        this.guests = allow;
        return this;
    }

    /** Email validation for registration and password reset, and login with an email address of an account. */
    public void thirdPartyIds(ThirdPartyIds threepids) {
        this.threepids = Optional.of(threepids);
        uia.thirdPartyIds(threepids);
    }

    /** Registration offers only flows with a validated email address ({@code registration_requires_email}). */
    public AccountHandlers requireEmail(boolean require) {
        this.requireEmail = require;
        return this;
    }

    /**
     * The flows of registration, as Synapse offers them: {@code m.login.dummy} unless an email address is required,
     * {@code m.login.email.identity} when this server mails, {@code m.login.msisdn} when an identity server validates
     * phone numbers (alone unless an email address is required, and with the email stage); each after
     * {@code m.login.registration_token} when registration requires a token.
     */
    private List<List<String>> registrationFlows() {
        boolean email = threepids.map(ThirdPartyIds::mails).orElse(false);
        boolean msisdn = threepids.map(ThirdPartyIds::phones).orElse(false);
        List<List<String>> flows = new java.util.ArrayList<>();
        if (!requireEmail || !email) {
            flows.add(List.of(Uia.DUMMY));
        }
        if (email) {
            flows.add(List.of(Uia.EMAIL_IDENTITY));
        }
        if (msisdn && (!requireEmail || !email)) {
            flows.add(List.of(Uia.MSISDN));
        }
        if (msisdn && email) {
            flows.add(List.of(Uia.MSISDN, Uia.EMAIL_IDENTITY));
        }
        if (tokens.isEmpty()) {
            return flows;
        }
        return flows.stream().map(f -> java.util.stream.Stream.concat(java.util.stream.Stream.of(Uia.REGISTRATION_TOKEN), f.stream()).toList())
                .toList();
    }

    @Override
    public RegisterResponse register(RequestContext context, Register.Request request) {
        JsonNode type = request.body().additionalProperties().get("type");
        if (type != null && type.isTextual() && type.textValue().equals(ServiceAccounts.TYPE)) {
            return registerForService(context, request);
        }
        if (request.kind().map(k -> k.value().equals("guest")).orElse(false)) {
            return registerGuest(context, request); // whether or not registration is open, as Synapse
        }
        if (!registration) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "registration is disabled on this server");
        }
        Optional<String> guestToken = request.body().additionalProperties().get("guest_access_token") instanceof JsonNode t && t.isTextual()
                ? Optional.of(t.textValue()) : Optional.empty();
        if (guestToken.isPresent() && !guests) {
            throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "guest access is disabled on this server");
        }
        if (guests && guestToken.isEmpty() && request.body().username().filter(AccountHandlers::numeric).isPresent()) {
            throw new MatrixException(400, "M_INVALID_USERNAME", "numeric user IDs are reserved for guest users"); // as Synapse
        }
        if (request.body().username().isPresent() && guestToken.isEmpty() && !Uia.continues(context)) {
            accounts.available(request.body().username().get()); // before the 401, as clients expect
        }
        Uia.Session session = uia.require(context, registrationFlows(), Optional.empty());
        JsonNode params = session.params();
        String userId;
        synchronized (session) { // a retry of a completed registration answers with the same user
            Optional<String> registered = session.result();
            if (registered.isPresent()) {
                userId = registered.get();
            } else {
                limiter.take("register:" + context.request().remoteAddress());
                String password = text(params, "password")
                        .orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing password"));
                Optional<String> upgrade = guests ? text(params, "guest_access_token").or(() -> guestToken) : Optional.empty();
                List<ThirdPartyIds.Validated> proofs = session.proofs();
                java.util.function.Supplier<String> account = () -> upgrade.isPresent()
                        ? accounts.upgradeGuest(upgrade.get(), text(params, "username"), password)
                        : accounts.register(text(params, "username"), password, false);
                // an address taken since its stage passed: 400 M_THREEPID_IN_USE, and no account
                userId = proofs.isEmpty() ? account.get() : threepids.orElseThrow().register(proofs, account);
                session.result(userId);
                session.registrationToken().ifPresent(t -> tokens.orElseThrow().completed(t));
            }
        }
        if (params.path("inhibit_login").asBoolean(false)) {
            return new RegisterResponse(userId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Map.of());
        }
        Session login = accounts.newDeviceSession(userId, text(params, "device_id"), text(params, "initial_device_display_name"),
                params.path("refresh_token").asBoolean(false));
        return new RegisterResponse(userId, Optional.of(login.accessToken()), login.refreshToken(), login.expiresInMs(), Optional.empty(),
                Optional.of(login.deviceId()), Map.of());
    }

    /**
     * A guest account ({@code allow_guest_access}): no interactive authentication, every body field but
     * {@code initial_device_display_name} ignored, as the spec says; rate-limited as registrations are.
     */
    private RegisterResponse registerGuest(RequestContext context, Register.Request request) {
        if (!guests) {
            throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "guest access is disabled on this server");
        }
        limiter.take("register:" + context.request().remoteAddress());
        Session login = accounts.registerGuest(request.body().initialDeviceDisplayName());
        return new RegisterResponse(login.userId(), Optional.of(login.accessToken()), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(login.deviceId()), Map.of());
    }

    private static boolean numeric(String localpart) {
        return !localpart.isEmpty() && localpart.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * Registration by an application service: its {@code as_token}, a username of its namespaces, no interactive
     * authentication, whether or not registration is open to others; rate-limited only when its registration says so.
     */
    private RegisterResponse registerForService(RequestContext context, Register.Request request) {
        Registration service = services.service(context.accessToken());
        String username = request.body().username()
                .orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing username"));
        if (service.rateLimited()) {
            limiter.take("register:" + context.request().remoteAddress());
        }
        String userId = services.register(service, username);
        if (request.body().inhibitLogin().orElse(false)) {
            return new RegisterResponse(userId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Map.of());
        }
        Session login = accounts.newDeviceSession(userId, request.body().deviceId(), request.body().initialDeviceDisplayName(),
                request.body().refreshToken().orElse(false));
        return new RegisterResponse(userId, Optional.of(login.accessToken()), login.refreshToken(), login.expiresInMs(), Optional.empty(),
                Optional.of(login.deviceId()), Map.of());
    }

    private static Optional<String> text(JsonNode params, String field) {
        JsonNode value = params.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    @Override
    public CheckUsernameAvailabilityResponse checkUsernameAvailability(RequestContext context, CheckUsernameAvailability.Request request) {
        limiter.take("register:" + context.request().remoteAddress());
        return new CheckUsernameAvailabilityResponse(Optional.of(accounts.available(request.username())), Map.of());
    }

    @Override
    public LoginResponse login(RequestContext context, Login.Request request) {
        LoginRequest body = request.body();
        boolean refreshable = body.refreshToken().orElse(false);
        if (body.type().value().equals(ServiceAccounts.TYPE)) {
            Registration service = services.service(context.accessToken());
            if (service.rateLimited()) {
                limiter.take("login:" + context.request().remoteAddress());
            }
            String userId = services.loginAs(service, body.identifier().map(i -> i.type()),
                    body.identifier().map(i -> i.additionalProperties().get("user")));
            Session session = accounts.newDeviceSession(userId, body.deviceId(), body.initialDeviceDisplayName(), refreshable);
            return new LoginResponse(session.userId(), session.accessToken(), session.refreshToken(), session.expiresInMs(),
                    Optional.empty(), session.deviceId(), Optional.empty(), Map.of());
        }
        limiter.take("login:" + context.request().remoteAddress());
        Session session = switch (body.type().value()) {
            case "m.login.password" -> {
                String password = body.password().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing password"));
                String user = LoginIdentifiers.user(body, threepids);
                yield accounts.loginWithPassword(user, password, body.deviceId(), body.initialDeviceDisplayName(), refreshable);
            }
            case "m.login.token" -> accounts.loginWithToken(body.token()
                    .orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing token")),
                    body.deviceId(), body.initialDeviceDisplayName(), refreshable);
            default -> throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "login type " + body.type().value() + " is not supported");
        };
        return new LoginResponse(session.userId(), session.accessToken(), session.refreshToken(), session.expiresInMs(), Optional.empty(),
                session.deviceId(), Optional.empty(), Map.of());
    }

    @Override
    public GetLoginFlowsResponse getLoginFlows(RequestContext context, GetLoginFlows.Request request) {
        List<LoginFlow> flows = new java.util.ArrayList<>(List.of(new LoginFlow("m.login.password", Optional.empty(), Map.of()),
                new LoginFlow("m.login.token", Optional.of(true), Map.of())));
        if (services.any()) {
            flows.add(new LoginFlow(ServiceAccounts.TYPE, Optional.empty(), Map.of()));
        }
        return new GetLoginFlowsResponse(Optional.of(List.copyOf(flows)), Map.of());
    }

    @Override
    public GenerateLoginTokenResponse generateLoginToken(RequestContext context, GenerateLoginToken.Request request) {
        Caller caller = caller(context);
        uia.require(context, Uia.PASSWORD, Optional.of(caller.userId()));
        return new GenerateLoginTokenResponse(accounts.newLoginToken(caller), accounts.loginTokenLifetimeMs(), Map.of());
    }

    @Override
    public RefreshResponse refresh(RequestContext context, Refresh.Request request) {
        Session session = accounts.refresh(request.body().refreshToken());
        return new RefreshResponse(session.accessToken(), session.refreshToken(), session.expiresInMs(), Map.of());
    }

    @Override
    public JsonNode logout(RequestContext context, Logout.Request request) {
        accounts.logout(caller(context));
        return empty();
    }

    @Override
    public JsonNode logoutAll(RequestContext context, LogoutAll.Request request) {
        accounts.logoutAll(caller(context));
        return empty();
    }

    @Override
    public GetTokenOwnerResponse getTokenOwner(RequestContext context, GetTokenOwner.Request request) {
        Caller caller = caller(context);
        return new GetTokenOwnerResponse(caller.userId(), caller.device(), Optional.of(false), Map.of());
    }

    @Override
    public JsonNode changePassword(RequestContext context, ChangePassword.Request request) {
        Caller caller = caller(context);
        uia.require(context, Uia.PASSWORD, Optional.of(caller.userId()));
        accounts.changePassword(caller, request.body().newPassword(), request.body().logoutDevices().orElse(true));
        return empty();
    }

    @Override
    public DeactivateAccountResponse deactivateAccount(RequestContext context, DeactivateAccount.Request request) {
        Caller caller = caller(context);
        uia.require(context, Uia.PASSWORD, Optional.of(caller.userId()));
        boolean unbound = threepids.map(t -> t.deleteAll(caller.userId())).orElse(false);
        accounts.deactivate(caller.userId());
        return new DeactivateAccountResponse(unbound ? DeactivateAccountResponseIdServerUnbindResult.SUCCESS
                : DeactivateAccountResponseIdServerUnbindResult.NO_SUPPORT, Map.of());
    }

    private RequestTokenResponse requestEmailToken(ThirdPartyIds.Purpose purpose, RequestTokenTo3PIDEmailRequest body) {
        ThirdPartyIds.Requested r = threepids.orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNKNOWN,
                "email is not supported on this server")).requestEmailToken(purpose, body.clientSecret(), body.email(), body.sendAttempt());
        return new RequestTokenResponse(r.sid(), Optional.of(r.submitUrl()), Map.of());
    }

    @Override
    public RequestTokenResponse requestTokenToResetPasswordEmail(RequestContext context, RequestTokenToResetPasswordEmail.Request request) {
        return requestEmailToken(ThirdPartyIds.Purpose.PASSWORD_RESET, request.body());
    }

    @Override
    public RequestTokenResponse requestTokenToResetPasswordMsisdn(RequestContext context, RequestTokenToResetPasswordMsisdn.Request request) {
        return ThirdPartyIdHandlers.requestMsisdnToken(threepids.orElseThrow(ThirdPartyIds::noSms), ThirdPartyIds.Purpose.PASSWORD_RESET,
                request.body());
    }

    @Override
    public RequestTokenResponse requestTokenToRegisterEmail(RequestContext context, RequestTokenToRegisterEmail.Request request) {
        if (!registration) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "registration is disabled on this server");
        }
        return requestEmailToken(ThirdPartyIds.Purpose.REGISTER, request.body());
    }

    @Override
    public RequestTokenResponse requestTokenToRegisterMsisdn(RequestContext context, RequestTokenToRegisterMsisdn.Request request) {
        if (!registration) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "registration is disabled on this server");
        }
        return ThirdPartyIdHandlers.requestMsisdnToken(threepids.orElseThrow(ThirdPartyIds::noSms), ThirdPartyIds.Purpose.REGISTER,
                request.body());
    }

    private static GetDevicesResponseDevices device(Device d) {
        return new GetDevicesResponseDevices(d.deviceId(), d.displayName(), d.lastSeenIp(), d.lastSeenTs(), Map.of());
    }

    @Override
    public GetDevicesResponse getDevices(RequestContext context, GetDevices.Request request) {
        return new GetDevicesResponse(Optional.of(accounts.devices(caller(context).userId()).stream().map(AccountHandlers::device).toList()),
                Map.of());
    }

    @Override
    public GetDevicesResponseDevices getDevice(RequestContext context, GetDevice.Request request) {
        return accounts.device(caller(context).userId(), request.deviceId()).map(AccountHandlers::device)
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such device"));
    }

    @Override
    public JsonNode updateDevice(RequestContext context, UpdateDevice.Request request) {
        accounts.renameDevice(caller(context).userId(), request.deviceId(), request.body().displayName());
        return empty();
    }

    @Override
    public JsonNode deleteDevice(RequestContext context, DeleteDevice.Request request) {
        Caller caller = caller(context);
        uia.require(context, Uia.PASSWORD, Optional.of(caller.userId()));
        accounts.deleteDevice(caller.userId(), request.deviceId());
        return empty();
    }

    @Override
    public JsonNode deleteDevices(RequestContext context, DeleteDevices.Request request) {
        Caller caller = caller(context);
        uia.require(context, Uia.PASSWORD, Optional.of(caller.userId()));
        request.body().devices().forEach(d -> accounts.deleteDevice(caller.userId(), d));
        return empty();
    }
}
