package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import dev.mxspec.homeserver.services.RoomUpgrades;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.UpgradeRoomResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UpgradeRoom;
import dev.mxspec.spec.v1_7.clientserver.server.RoomUpgradesHandler;
import java.util.Map;

/** {@code POST /rooms/{roomId}/upgrade} ({@link RoomUpgrades}). */
public final class RoomUpgradeHandlers implements RoomUpgradesHandler {

    private final RoomUpgrades upgrades;

    public RoomUpgradeHandlers(RoomUpgrades upgrades) {
        this.upgrades = upgrades;
    }

    @Override
    public UpgradeRoomResponse upgradeRoom(RequestContext context, UpgradeRoom.Request request) {
        return new UpgradeRoomResponse(upgrades.upgrade(caller(context), request.roomId(), request.body().newVersion()), Map.of());
    }
}
