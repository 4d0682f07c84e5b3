package dev.mxspec.generator.model;

/** The five APIs of a Matrix spec release, each a folder under {@code data/api}. */
public enum ApiKind {
    CLIENT_SERVER("client-server"),
    SERVER_SERVER("server-server"),
    APPLICATION_SERVICE("application-service"),
    IDENTITY("identity"),
    PUSH_GATEWAY("push-gateway");

    private final String folder;

    ApiKind(String folder) {
        this.folder = folder;
    }

    /** The folder name under {@code data/api}, which is also the API's name in reports. */
    public String folder() {
        return folder;
    }
}
