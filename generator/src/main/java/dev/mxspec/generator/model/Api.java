package dev.mxspec.generator.model;

import java.util.List;

/**
 * One API of a release, as endpoint groups (one per spec file).
 *
 * @param kind which API
 * @param groups endpoint groups sorted by name
 */
public record Api(ApiKind kind, List<EndpointGroup> groups) {

    public Api {
        groups = List.copyOf(groups);
    }

    /** Every operation of the API, group by group. */
    public List<Operation> operations() {
        return groups.stream().flatMap(g -> g.operations().stream()).toList();
    }
}
