package dev.mxspec.generator.diff;

/** The kinds of structural change between two releases. */
public enum ChangeKind {
    OPERATION_ADDED("operation added"),
    OPERATION_REMOVED("operation removed"),
    OPERATION_DEPRECATED("operation deprecated"),
    OPERATION_MOVED("path changed"),
    AUTH_CHANGED("authentication changed"),
    PARAMETER_ADDED("parameter added"),
    PARAMETER_REMOVED("parameter removed"),
    FIELD_ADDED("field added"),
    FIELD_REMOVED("field removed"),
    RETYPED("type changed"),
    MADE_REQUIRED("made required"),
    MADE_OPTIONAL("made optional"),
    MADE_NULLABLE("may now be null"),
    MADE_NON_NULLABLE("may no longer be null"),
    ENUM_VALUE_ADDED("enum value added"),
    ENUM_VALUE_REMOVED("enum value removed"),
    RESPONSE_ADDED("response added"),
    RESPONSE_REMOVED("response removed"),
    EVENT_ADDED("event type added"),
    EVENT_REMOVED("event type removed");

    private final String title;

    ChangeKind(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
