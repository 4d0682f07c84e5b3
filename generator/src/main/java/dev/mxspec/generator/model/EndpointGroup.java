package dev.mxspec.generator.model;

import java.util.List;

/**
 * The operations of one spec file, for example {@code room_send} of the client-server API.
 *
 * @param name the file name without extension
 * @param title the file's {@code info.title}
 * @param operations sorted by path, then method
 */
public record EndpointGroup(String name, String title, List<Operation> operations) {

    public EndpointGroup {
        operations = List.copyOf(operations);
    }
}
