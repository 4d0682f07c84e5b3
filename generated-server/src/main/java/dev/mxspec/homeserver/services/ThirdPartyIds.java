package dev.mxspec.homeserver.services;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.mxspec.homeserver.storage.ThreepidStore;
import dev.mxspec.homeserver.storage.ThreepidStore.UserThreepid;
import dev.mxspec.homeserver.storage.ThreepidStore.ValidationSession;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Third-party identifiers of accounts (client-server API, "Adding Account Administrative Contact Information"): email
 * addresses validated by this server itself ({@code requestToken} makes a validation session and mails its token as a
 * link; the token, submitted with the session's client secret, validates the session) and phone numbers validated by the
 * identity server of {@code msisdn_delegate} ({@link MsisdnDelegate}: it sends the SMS and knows whether its session was
 * validated; this server keeps what each of its sessions was requested for). A validated session serves what it was
 * requested for only: it adds the address to an account ({@code 3pid/add}), registers, or resets a password. An address
 * belongs to one account at a time.
 * The identity servers an account bound an address through ({@code 3pid/bind}) are remembered so that removing it also
 * unbinds it there.
 *
 * <p>Errors follow the spec and Synapse: 400 {@code M_THREEPID_IN_USE} when registering or adding an address another
 * account has, 400 {@code M_THREEPID_NOT_FOUND} for a password reset of an unknown address, 400
 * {@code M_THREEPID_AUTH_FAILED} for a wrong token, sid or client secret or a session not (or no longer) valid, 400
 * {@code M_UNKNOWN} when no SMTP server (no {@code msisdn_delegate}) is configured. The same {@code send_attempt} again gives the same session
 * without another mail; a higher one mails a new token for the same session. An address gets at most 5 mails in a
 * burst, then about one every five minutes (429 {@code M_LIMIT_EXCEEDED}).
 */
public final class ThirdPartyIds {

    private static final Logger LOG = Logger.getLogger(ThirdPartyIds.class.getName());
    private static final Pattern CLIENT_SECRET = Pattern.compile("[0-9a-zA-Z.=_\\-]{1,255}");
    private static final Pattern SID = Pattern.compile("[0-9a-zA-Z.=_\\-]{1,255}");
    /** One address, roughly as RFC 5321 allows it: a local part, {@code @}, a domain; no spaces or angle brackets. */
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>()\",;:\\\\\\[\\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\\-.]{0,251}[A-Za-z0-9])?");

    /** What a validation session is for: what the address must be (in use or not) when its token is requested. */
    public enum Purpose {
        /** Registering an account: the address must not be in use. */
        REGISTER("register", "Email-based registration"),
        /** Adding the address to an account: not in use. */
        ADD("add", "Adding an email to your account"),
        /** Resetting the password of the account that has the address: in use. */
        PASSWORD_RESET("password_reset", "Password reset by email");

        private final String key;
        private final String what;

        Purpose(String key, String what) {
            this.key = key;
            this.what = what;
        }

        /**
         * Whether a session requested for {@code stored} may serve this purpose: the same one; sessions made before purposes
         * were kept serve what they served then (adding an address, resetting a password), never a registration.
         */
        boolean servedBy(Optional<String> stored) {
            return stored.map(key::equals).orElse(this != REGISTER);
        }
    }

    /** An address a validation session proved, for registration ({@link #validatedForRegistration}). */
    public record Validated(String sid, String medium, String address, long validatedMs) {}

    /** A session made or found by {@code requestToken}, and the URL its token may be submitted to. */
    public record Requested(String sid, String submitUrl) {}

    private final ThreepidStore store;
    private final Optional<Mailer> mailer;
    private volatile Optional<MsisdnDelegate> phoneDelegate = Optional.empty();
    private final IdentityServers identityServers;
    private final Supplier<String> clientBaseUrl;
    private final long lifetimeMs;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    /** Held while an address is given to an account: a registration checks, makes the account and adds under it. */
    private final Object addresses = new Object();
    /** Mails per address, as Synapse's {@code rc_3pid_validation}: a burst of 5, then one every 5 minutes or so. */
    private final RateLimiter mailsPerAddress;

    /**
     * @param mailer the SMTP server's mailer; empty when none is configured
     * @param clientBaseUrl where mail readers reach this server's client API (for the link in the mail), known once it listens
     */
    public ThirdPartyIds(ThreepidStore store, Optional<Mailer> mailer, IdentityServers identityServers, Supplier<String> clientBaseUrl,
            long lifetimeMs, LongSupplier clock) {
        this.store = store;
        this.mailer = mailer;
        this.identityServers = identityServers;
        this.clientBaseUrl = clientBaseUrl;
        this.lifetimeMs = lifetimeMs;
        this.clock = clock;
        this.mailsPerAddress = new RateLimiter(0.003, 5, clock);
    }

    /** Whether this server sends mail (an SMTP server is configured). */
    public boolean mails() {
        return mailer.isPresent();
    }

    /** Phone numbers are validated by this identity server ({@code msisdn_delegate}). */
    public void delegateMsisdn(MsisdnDelegate delegate) {
        this.phoneDelegate = Optional.of(delegate);
    }

    /** Whether phone numbers are validated (by an identity server this server delegates to). */
    public boolean phones() {
        return phoneDelegate.isPresent();
    }

    /** Where the token of an SMS is submitted (POST), passed on to the identity server, as Synapse serves it. */
    public static final String MSISDN_SUBMIT_PATH = "/_matrix/client/unstable/add_threepid/msisdn/submit_token";

    /**
     * Asks the identity server of {@code msisdn_delegate} to send a token to the number (or finds the session of this
     * {@code send_attempt}); the same checks as {@link #requestEmailToken}. 400 {@code M_UNKNOWN} without a delegate, as
     * Synapse without an SMS sender.
     */
    public Requested requestMsisdnToken(Purpose purpose, String clientSecret, String country, String phoneNumber, long sendAttempt,
            Optional<String> nextLink) {
        MsisdnDelegate delegate = phoneDelegate.orElseThrow(ThirdPartyIds::noSms);
        requireClientSecret(clientSecret);
        String number = msisdn(country, phoneNumber);
        requireOwnership(purpose, "msisdn", number);
        long now = clock.getAsLong();
        store.deleteExpiredValidationSessions(now);
        Optional<ValidationSession> existing = store.latestValidationSession(clientSecret, "msisdn", number, purpose.key);
        if (existing.isPresent() && sendAttempt <= existing.get().sendAttempt()) {
            return new Requested(existing.get().sessionId(), clientBaseUrl.get() + MSISDN_SUBMIT_PATH); // no second SMS
        }
        mailsPerAddress.take(number); // 429 M_LIMIT_EXCEEDED: nobody's phone is flooded through this server
        String sid = delegate.requestToken(clientSecret, country, phoneNumber, sendAttempt, nextLink);
        store.saveValidationSession(new ValidationSession(sid, clientSecret, "msisdn", number, "", sendAttempt, now, now + lifetimeMs,
                Optional.empty(), Optional.of(purpose.key), Optional.of(delegate.name())));
        return new Requested(sid, clientBaseUrl.get() + MSISDN_SUBMIT_PATH);
    }

    /** Passes the token of an SMS on to the identity server of the session; 400 {@code M_THREEPID_AUTH_FAILED} when it refuses. */
    public void submitMsisdnToken(String sid, String clientSecret, String token) {
        ValidationSession session = session(sid, clientSecret);
        if (session.delegate().isEmpty()) {
            throw authFailed("no validation session with that sid and client secret"); // a session of this server's mail
        }
        boolean accepted;
        try {
            accepted = phoneDelegate.orElseThrow(ThirdPartyIds::noSms).submitToken(sid, clientSecret, token);
        } catch (MatrixException e) {
            if (e.status() != 400) {
                throw e;
            }
            accepted = false;
        }
        if (!accepted) {
            throw authFailed("the identity server did not accept the token");
        }
    }

    /** What the msisdn {@code requestToken} endpoints answer without a delegate: 400 {@code M_UNKNOWN}, as Synapse without an SMS sender. */
    public static MatrixException noSms() {
        return new MatrixException(400, ErrorCodes.M_UNKNOWN, "phone numbers are not supported on this server: it sends no SMS");
    }

    /** The number in international form without {@code +} (an msisdn); 400 {@code M_INVALID_PARAM} when it is not a phone number. */
    public static String msisdn(String country, String phoneNumber) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            var parsed = util.parse(phoneNumber == null ? "" : phoneNumber, country == null ? "" : country.toUpperCase(Locale.ROOT));
            return util.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164).substring(1);
        } catch (NumberParseException e) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "not a phone number of that country: " + e.getMessage());
        }
    }

    /** 400 {@code M_THREEPID_NOT_FOUND} for a password reset of an address no account has, {@code M_THREEPID_IN_USE} for another purpose of one an account has. */
    private void requireOwnership(Purpose purpose, String medium, String address) {
        Optional<UserThreepid> owner = store.threepidOwner(medium, address);
        String what = medium.equals("email") ? "email address" : "phone number";
        if (purpose == Purpose.PASSWORD_RESET && owner.isEmpty()) {
            throw new MatrixException(400, "M_THREEPID_NOT_FOUND", "no account of this server has that " + what);
        }
        if (purpose != Purpose.PASSWORD_RESET && owner.isPresent()) {
            throw new MatrixException(400, "M_THREEPID_IN_USE", "that " + what + " is already in use");
        }
    }

    /** The path of the link in the mail (GET) and of {@code submit_url} (POST), as Synapse serves it. */
    public static final String SUBMIT_PATH = "/_matrix/client/unstable/add_threepid/email/submit_token";

    /** Mails a token for {@code email} (or finds the session of this {@code send_attempt}). */
    public Requested requestEmailToken(Purpose purpose, String clientSecret, String email, long sendAttempt) {
        requireClientSecret(clientSecret);
        String address = normaliseEmail(email);
        if (mailer.isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_UNKNOWN, purpose.what + " is not enabled on this server: it sends no mail");
        }
        requireOwnership(purpose, "email", address);
        long now = clock.getAsLong();
        store.deleteExpiredValidationSessions(now);
        Optional<ValidationSession> existing = store.latestValidationSession(clientSecret, "email", address, purpose.key);
        if (existing.isPresent() && existing.get().validatedMs().isEmpty() && sendAttempt <= existing.get().sendAttempt()) {
            return requested(existing.get().sessionId()); // the same attempt again: no second mail
        }
        mailsPerAddress.take(address); // 429 M_LIMIT_EXCEEDED: nobody's inbox is flooded through this server
        String sid = existing.filter(s -> s.validatedMs().isEmpty()).map(ValidationSession::sessionId).orElseGet(() -> secret(16));
        String token = secret(16);
        ValidationSession session = new ValidationSession(sid, clientSecret, "email", address, token, sendAttempt,
                existing.filter(s -> s.sessionId().equals(sid)).map(ValidationSession::createdMs).orElse(now), now + lifetimeMs, Optional.empty(),
                Optional.of(purpose.key), Optional.empty());
        store.saveValidationSession(session);
        String link = clientBaseUrl.get() + SUBMIT_PATH + "?token=" + encode(token) + "&client_secret=" + encode(clientSecret) + "&sid=" + encode(sid);
        try {
            mailer.get().send(address, "Validate your email address", """
                    A request was made to use this email address with a Matrix account (%s).
                    To confirm it, open this link:

                    %s

                    Or enter this code where you were asked for it: %s

                    If you did not make this request, ignore this mail.
                    """.formatted(purpose.what.toLowerCase(Locale.ROOT), link, token));
        } catch (Mailer.MailFailure e) {
            LOG.warning("validation mail not sent: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            throw new MatrixException(500, ErrorCodes.M_UNKNOWN, "the validation mail could not be sent");
        }
        return requested(sid);
    }

    private Requested requested(String sid) {
        return new Requested(sid, clientBaseUrl.get() + SUBMIT_PATH);
    }

    /** Validates the session with its token; 400 {@code M_THREEPID_AUTH_FAILED} for a wrong token, sid or secret, or a used or expired session. */
    public void submitToken(String sid, String clientSecret, String token) {
        ValidationSession session = session(sid, clientSecret);
        if (session.delegate().isPresent()) {
            throw authFailed("no validation session with that sid and client secret"); // its token is the identity server's
        }
        if (session.validatedMs().isPresent()) {
            throw authFailed("this session was already validated");
        }
        if (!MessageDigest.isEqual(session.token().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw authFailed("wrong token");
        }
        if (!store.validateSession(sid, clock.getAsLong())) {
            throw authFailed("this session was already validated");
        }
    }

    /**
     * The validated session {@code sid} requested for {@code purpose}; 400 {@code M_THREEPID_AUTH_FAILED} otherwise (a
     * session of another purpose is as unknown).
     */
    private ValidationSession validated(Purpose purpose, String sid, String clientSecret) {
        ValidationSession session = session(sid, clientSecret);
        if (!purpose.servedBy(session.purpose())) {
            throw authFailed("no validation session with that sid and client secret");
        }
        if (session.delegate().isPresent()) {
            MsisdnDelegate.Validated3pid proved = phoneDelegate.orElseThrow(() -> authFailed("phone numbers are no longer validated here"))
                    .validated(sid, clientSecret)
                    .orElseThrow(() -> authFailed("the phone number of this session has not been validated yet: enter the code of the SMS first"));
            return new ValidationSession(sid, clientSecret, "msisdn", proved.msisdn(), "", session.sendAttempt(), session.createdMs(),
                    session.expiresMs(), Optional.of(proved.validatedAt()), session.purpose(), session.delegate());
        }
        if (session.validatedMs().isEmpty()) {
            throw authFailed("the address of this session has not been validated yet: follow the link in the mail first");
        }
        return session;
    }

    /** Adds the address of the validated session to {@code userId}'s account. */
    public void add(String userId, String sid, String clientSecret) {
        ValidationSession session = validated(Purpose.ADD, sid, clientSecret);
        boolean added;
        synchronized (addresses) {
            added = store.addUserThreepid(new UserThreepid(userId, session.medium(), session.address(), session.validatedMs().orElseThrow(),
                    clock.getAsLong()));
        }
        if (!added) {
            throw new MatrixException(400, "M_THREEPID_IN_USE", "that " + (session.medium().equals("email") ? "email address" : "phone number")
                    + " is already in use");
        }
    }

    public List<UserThreepid> list(String userId) {
        return store.userThreepids(userId);
    }

    /** The account that has the address, if any. */
    public Optional<String> owner(String medium, String address) {
        return store.threepidOwner(medium, medium.equals("email") ? IdentityServers.normalise(medium, address) : address).map(UserThreepid::userId);
    }

    /** Binds the identifier the identity server validated in its session {@code sid} to {@code userId} there. */
    public void bind(String userId, String idServer, String idAccessToken, String sid, String clientSecret) {
        requireClientSecret(clientSecret);
        IdentityServers.Binding binding = identityServers.bind(IdentityServers.requireName(idServer), idAccessToken, sid, clientSecret, userId);
        store.addThreepidIdServer(userId, binding.medium(), binding.address(), idServer);
    }

    /**
     * Unbinds the identifier from {@code idServer}, or from every identity server it was bound through; true when
     * each of them unbound it ({@code success}), false when one does not support unbinding or none is known
     * ({@code no-support}).
     */
    public boolean unbind(String userId, Optional<String> idServer, String medium, String address) {
        String normalised = IdentityServers.normalise(medium, address);
        List<String> servers = idServer.map(IdentityServers::requireName).map(List::of)
                .orElseGet(() -> store.threepidIdServers(userId, medium, normalised));
        if (servers.isEmpty()) {
            return false;
        }
        boolean all = true;
        for (String server : servers) {
            all &= identityServers.unbind(server, userId, medium, normalised);
            store.removeThreepidIdServer(userId, medium, normalised, server);
        }
        return all;
    }

    /** Removes the identifier from the account, unbinding it first; the result as {@link #unbind}. */
    public boolean delete(String userId, Optional<String> idServer, String medium, String address) {
        String normalised = IdentityServers.normalise(medium, address);
        boolean unbound = unbind(userId, idServer, medium, normalised);
        store.removeUserThreepid(userId, medium, normalised);
        return unbound;
    }

    /**
     * The account whose address the validated session {@code sid} proved, for a password reset
     * ({@code m.login.email.identity}); the session is used up. 400 {@code M_THREEPID_NOT_FOUND} when no account has the
     * address any more.
     */
    public String resetPasswordOwner(String sid, String clientSecret) {
        ValidationSession session = validated(Purpose.PASSWORD_RESET, sid, clientSecret);
        String owner = store.threepidOwner(session.medium(), session.address()).map(UserThreepid::userId)
                .orElseThrow(() -> new MatrixException(400, "M_THREEPID_NOT_FOUND", "no account of this server has that address"));
        store.deleteValidationSession(sid);
        return owner;
    }

    /**
     * The address a session of {@code /register/.../requestToken} proved ({@code m.login.email.identity} and
     * {@code m.login.msisdn} stages); 400 {@code M_THREEPID_AUTH_FAILED} when there is no such validated session of
     * {@code medium}, 400 {@code M_THREEPID_IN_USE} when an account has the address.
     */
    public Validated validatedForRegistration(String medium, String sid, String clientSecret) {
        ValidationSession session = validated(Purpose.REGISTER, sid, clientSecret);
        if (!session.medium().equals(medium)) {
            throw authFailed("no validation session with that sid and client secret");
        }
        Validated proof = new Validated(sid, session.medium(), session.address(), session.validatedMs().orElseThrow());
        requireFree(proof);
        return proof;
    }

    /** 400 {@code M_THREEPID_IN_USE} when an account has the address. */
    public void requireFree(Validated proof) {
        if (store.threepidOwner(proof.medium(), proof.address()).isPresent()) {
            throw new MatrixException(400, "M_THREEPID_IN_USE", "that " + (proof.medium().equals("email") ? "email address" : "phone number")
                    + " is already in use");
        }
    }

    /**
     * Makes an account ({@code makeAccount}, which answers its user ID) with the addresses its registration proved, using
     * their sessions up. The check that no account has them, the account's creation and the addresses' addition hold
     * {@link #addresses}, so that no other registration or {@code 3pid/add} takes one in between: 400
     * {@code M_THREEPID_IN_USE}, and no account made, when an account has one.
     */
    public String register(List<Validated> proofs, Supplier<String> makeAccount) {
        synchronized (addresses) {
            proofs.forEach(this::requireFree);
            String userId = makeAccount.get();
            for (Validated proof : proofs) {
                store.deleteValidationSession(proof.sid());
                if (!store.addUserThreepid(new UserThreepid(userId, proof.medium(), proof.address(), proof.validatedMs(), clock.getAsLong()))) {
                    throw new IllegalStateException("an address checked free under the lock was taken: " + proof.medium());
                }
            }
            return userId;
        }
    }

    /**
     * Removes every identifier of a deactivated account, unbinding each from the identity servers it was bound through;
     * true when all of them unbound it (or there was none), false when one failed or does not support unbinding.
     */
    public boolean deleteAll(String userId) {
        boolean all = true;
        for (List<String> binding : store.threepidBindings(userId)) {
            try {
                all &= identityServers.unbind(binding.get(2), userId, binding.get(0), binding.get(1));
            } catch (MatrixException e) {
                all = false; // the identity server failed: the account goes away all the same
            }
            store.removeThreepidIdServer(userId, binding.get(0), binding.get(1), binding.get(2));
        }
        for (UserThreepid t : store.userThreepids(userId)) {
            store.removeUserThreepid(userId, t.medium(), t.address());
        }
        return all;
    }

    private ValidationSession session(String sid, String clientSecret) {
        requireClientSecret(clientSecret);
        if (sid == null || !SID.matcher(sid).matches()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "sid must be 1 to 255 of [0-9a-zA-Z.=_-]");
        }
        Optional<ValidationSession> found = store.validationSession(sid);
        if (found.isEmpty() || !MessageDigest.isEqual(found.get().clientSecret().getBytes(StandardCharsets.UTF_8),
                clientSecret.getBytes(StandardCharsets.UTF_8))) {
            throw authFailed("no validation session with that sid and client secret");
        }
        if (found.get().expiresMs() < clock.getAsLong()) {
            throw authFailed("this validation session has expired");
        }
        return found.get();
    }

    static void requireClientSecret(String clientSecret) {
        if (clientSecret == null || !CLIENT_SECRET.matcher(clientSecret).matches()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "client_secret must be 1 to 255 of [0-9a-zA-Z.=_-]");
        }
    }

    /** The address in lower case; 400 {@code M_INVALID_PARAM} when it is not one email address. */
    public static String normaliseEmail(String email) {
        String address = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (address.length() > 254 || !EMAIL.matcher(address).matches()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "not an email address");
        }
        return address;
    }

    private static MatrixException authFailed(String why) {
        return new MatrixException(400, "M_THREEPID_AUTH_FAILED", why);
    }

    private String secret(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
