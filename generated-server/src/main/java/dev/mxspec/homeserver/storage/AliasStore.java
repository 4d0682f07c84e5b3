package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Room;
import java.util.List;
import java.util.Optional;

/** Room aliases of this server and who created them. */
public interface AliasStore {

    Optional<String> alias(String alias);

    /** Creates an alias; false when it exists. */
    boolean createAlias(String alias, String roomId, String creator);

    boolean deleteAlias(String alias);

    /** The user who created an alias. */
    Optional<String> aliasCreator(String alias);

    List<String> aliasesOf(String roomId);
}
