package dev.mxspec.homeserver.federation;

/** A server whose federation request was authenticated (X-Matrix): the principal of server-server endpoints. */
public record Origin(String serverName) {}
