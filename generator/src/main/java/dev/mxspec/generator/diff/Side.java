package dev.mxspec.generator.diff;

/** Which way a value travels, which decides who a change breaks. */
enum Side {
    /** Sent by clients, read by servers: path, query, header and body of a request. */
    REQUEST,
    /** Sent by servers, read by clients. */
    RESPONSE,
    /** Event content: sent and read by both. */
    EVENT;

    /**
     * Who breaks, as {client, server}. A client written against the older release breaks when what
     * it sends is no longer accepted or what it reads is no longer there; a server implementing the
     * older release breaks (no longer conforms) when it must accept or produce something new.
     */
    Impact[] impact(ChangeKind kind) {
        Impact c = Impact.COMPATIBLE;
        Impact b = Impact.BREAKING;
        return switch (kind) {
            case PARAMETER_ADDED, FIELD_ADDED -> new Impact[] {c, c};
            case PARAMETER_REMOVED, FIELD_REMOVED -> this == REQUEST ? new Impact[] {c, c} : new Impact[] {b, c};
            case MADE_REQUIRED -> this == REQUEST ? new Impact[] {b, c} : this == RESPONSE ? new Impact[] {c, b} : new Impact[] {b, b};
            case MADE_OPTIONAL -> this == REQUEST ? new Impact[] {c, b} : this == RESPONSE ? new Impact[] {b, c} : new Impact[] {b, b};
            case MADE_NULLABLE -> this == REQUEST ? new Impact[] {c, b} : this == RESPONSE ? new Impact[] {b, c} : new Impact[] {b, b};
            case MADE_NON_NULLABLE -> this == REQUEST ? new Impact[] {b, c} : this == RESPONSE ? new Impact[] {c, b} : new Impact[] {b, b};
            case ENUM_VALUE_ADDED -> this == REQUEST ? new Impact[] {c, b} : this == RESPONSE ? new Impact[] {c, c} : new Impact[] {c, b};
            case ENUM_VALUE_REMOVED -> this == REQUEST ? new Impact[] {b, c} : this == RESPONSE ? new Impact[] {c, b} : new Impact[] {b, b};
            case RETYPED -> new Impact[] {b, b};
            default -> new Impact[] {c, c};
        };
    }
}
