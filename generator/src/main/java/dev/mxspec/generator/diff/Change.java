package dev.mxspec.generator.diff;

import dev.mxspec.generator.model.ApiKind;
import java.util.List;
import java.util.Optional;

/**
 * One structural change between two releases.
 *
 * @param kind what changed
 * @param api the API, empty for event schemas
 * @param subject the operation ({@code POST /_matrix/client/v3/keys/query}) or event ({@code m.room.member})
 * @param location where inside it: {@code request body: token}, {@code query: limit}, {@code response 200: device_keys}; empty for the subject itself
 * @param before the old value or type, empty when it did not exist
 * @param after the new value or type, empty when it no longer exists
 * @param client what it does to a client written against the older release
 * @param server what it does to a server implementing the older release
 * @param identifiers names the changelog may use for it: field and parameter names, enum values, event types, operation ids
 * @param addedIn the spec's {@code x-addedInMatrixVersion} of what was added, if it says
 */
public record Change(
        ChangeKind kind,
        Optional<ApiKind> api,
        String subject,
        String location,
        String before,
        String after,
        Impact client,
        Impact server,
        List<String> identifiers,
        Optional<String> addedIn) {

    public Change {
        identifiers = List.copyOf(identifiers);
    }

    /** A one-line description: {@code POST /_matrix/client/v3/keys/query: request body: token: field removed}. */
    public String describe() {
        StringBuilder s = new StringBuilder(subject);
        if (!location.isEmpty()) {
            s.append(": ").append(location);
        }
        s.append(": ").append(kind.title());
        if (!before.isEmpty() || !after.isEmpty()) {
            s.append(" (").append(before.isEmpty() ? "-" : before).append(" -> ").append(after.isEmpty() ? "-" : after).append(')');
        }
        return s.toString();
    }

    public boolean breaking() {
        return client == Impact.BREAKING || server == Impact.BREAKING;
    }
}
