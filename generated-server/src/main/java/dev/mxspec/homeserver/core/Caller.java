package dev.mxspec.homeserver.core;

/**
 * An authenticated client: the principal handlers get for endpoints the spec marks as authenticated.
 *
 * @param userId the user
 * @param deviceId the device the access token belongs to
 * @param tokenHash the stored form of the access token used
 */
public record Caller(String userId, String deviceId, String tokenHash) {}
