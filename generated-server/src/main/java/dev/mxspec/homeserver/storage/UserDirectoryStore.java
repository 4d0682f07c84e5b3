package dev.mxspec.homeserver.storage;

import java.util.Collection;
import java.util.List;

/** What the user directory reads: which rooms are public, and who is joined to which room under which name. */
public interface UserDirectoryStore {

    /** A joined member as the room's current state shows him: the content of his {@code m.room.member} event (JSON). */
    record DirectoryMember(String roomId, String userId, String memberContent) {}

    /** The rooms whose current join rule is {@code public} or whose history is {@code world_readable}. */
    List<String> publicRoomIds();

    /** The joined members of the rooms {@code userId} is joined to. */
    List<DirectoryMember> membersOfRoomsSharedWith(String userId);

    /** The joined members of these rooms. */
    List<DirectoryMember> joinedMembers(Collection<String> roomIds);
}
