-- The rooms application services publish in the room directories of their third-party networks
-- (PUT /_matrix/client/v3/directory/list/appservice/{networkId}/{roomId}), listed by /publicRooms with
-- third_party_instance_id ("<service id>|<network id>") or include_all_networks.
CREATE TABLE appservice_room_list (
    appservice_id  TEXT NOT NULL,
    network_id     TEXT NOT NULL,
    room_id        TEXT NOT NULL,
    PRIMARY KEY (appservice_id, network_id, room_id)
);
