package dev.mxspec.homeserver.storage;

/** A failure of the database itself (not of the request): the server answers 500 and logs it. */
public final class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StorageException(Throwable cause) {
        super("storage failure: " + cause.getMessage(), cause);
    }
}
