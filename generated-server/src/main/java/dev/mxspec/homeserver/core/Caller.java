package dev.mxspec.homeserver.core;

import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.Optional;

/**
 * An authenticated client: the principal handlers get for endpoints the spec marks as authenticated.
 *
 * <p>A user's access token belongs to a device. An application service's {@code as_token} acts as a user (its sender, or
 * the {@code user_id} it asserts) without one, as Synapse does: {@link #deviceId()} refuses then, so that operations on
 * a device (uploading its keys, say) answer a clear error; transaction IDs of such requests are scoped to the service
 * ({@link #transactionScope()}).
 *
 * @param userId the user
 * @param device the device the access token belongs to; empty for an application service's request
 * @param tokenHash the stored form of the access token used
 * @param appServiceId the application service whose {@code as_token} was used, if one was
 * @param rateLimited whether the caller's requests count against the rate limits (not for the users of a service whose
 *     registration says {@code rate_limited: false}, nor for a service's own sender)
 */
public record Caller(String userId, Optional<String> device, String tokenHash, Optional<String> appServiceId, boolean rateLimited) {

    /** A user on a device, with a user's access token. */
    public Caller(String userId, String deviceId, String tokenHash) {
        this(userId, Optional.of(deviceId), tokenHash, Optional.empty(), true);
    }

    /** An application service acting as {@code userId}, without a device. */
    public static Caller ofAppService(String userId, String appServiceId, String tokenHash, boolean rateLimited) {
        return new Caller(userId, Optional.empty(), tokenHash, Optional.of(appServiceId), rateLimited);
    }

    /** The device, for operations on it; {@code 400 M_UNKNOWN} for an application service's request, which has none. */
    public String deviceId() {
        return device.orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNKNOWN,
                "this request has no device: an application service's as_token acts as a user without one (log in as the user, "
                        + "with m.login.application_service, for a device)"));
    }

    /** What transaction IDs are scoped to: the device, or the application service for its requests. */
    public String transactionScope() {
        return device.orElseGet(() -> "appservice " + appServiceId.orElseThrow());
    }

    public boolean isAppService() {
        return appServiceId.isPresent();
    }
}
