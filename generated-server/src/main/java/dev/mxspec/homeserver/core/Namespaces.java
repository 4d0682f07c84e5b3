package dev.mxspec.homeserver.core;

import java.util.Optional;

/**
 * What the application services hold of the user IDs and room aliases (their namespaces), as the services that create
 * and delete users and aliases need to know it: an exclusive namespace keeps humans and other services out
 * ({@code M_EXCLUSIVE}), and a service may act only inside its own namespaces.
 */
public interface Namespaces {

    /** No application services: nothing is held. */
    Namespaces NONE = new Namespaces() {
        @Override
        public Optional<String> userHeldBy(String userId, Optional<String> except) {
            return Optional.empty();
        }

        @Override
        public Optional<String> aliasHeldBy(String alias, Optional<String> except) {
            return Optional.empty();
        }

        @Override
        public boolean aliasInNamespaceOf(String serviceId, String alias) {
            return false;
        }
    };

    /**
     * The service that holds the user ID exclusively (an exclusive user namespace, or the service's own sender), other than
     * {@code except}; empty when a human or {@code except} may create it.
     */
    Optional<String> userHeldBy(String userId, Optional<String> except);

    /** The service, other than {@code except}, whose exclusive alias namespaces take in the alias. */
    Optional<String> aliasHeldBy(String alias, Optional<String> except);

    /** Whether the alias namespaces of the service (exclusive or not) take in the alias. */
    boolean aliasInNamespaceOf(String serviceId, String alias);
}
