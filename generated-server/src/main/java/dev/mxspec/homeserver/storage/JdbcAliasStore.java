package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** The SQL of {@link AliasStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcAliasStore extends AliasStore {

    Jdbc jdbc();

    @Override
    default Optional<String> alias(String alias) {
        return jdbc().one("SELECT room_id FROM room_aliases WHERE alias = ?", rs -> rs.getString(1), alias);
    }

    @Override
    default boolean createAlias(String alias, String roomId, String creator) {
        return jdbc().update("INSERT INTO room_aliases (alias, room_id, creator) VALUES (?, ?, ?) ON CONFLICT (alias) DO NOTHING",
                alias, roomId, creator) == 1;
    }

    @Override
    default boolean deleteAlias(String alias) {
        return jdbc().update("DELETE FROM room_aliases WHERE alias = ?", alias) == 1;
    }

    @Override
    default Optional<String> aliasCreator(String alias) {
        return jdbc().one("SELECT creator FROM room_aliases WHERE alias = ?", rs -> rs.getString(1), alias);
    }

    @Override
    default List<String> aliasesOf(String roomId) {
        return jdbc().query("SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias", rs -> rs.getString(1), roomId);
    }
}
