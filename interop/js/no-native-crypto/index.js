// matrix-bot-sdk loads @matrix-org/matrix-sdk-crypto-nodejs when it is imported, but uses it only for end-to-end
// encryption, which the application service interop scenario does not switch on. Every export throws when touched.
"use strict";
const unavailable = (name) => {
  throw new Error(`${name}: matrix-bot-sdk's native encryption library is not installed here (interop/js/no-native-crypto)`);
};
for (const name of ["OlmMachine", "UserId", "DeviceId", "RoomId", "DeviceLists", "EncryptionSettings", "Attachment",
  "EncryptedAttachment", "StoreType", "RequestType", "EncryptionAlgorithm", "HistoryVisibility"]) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => unavailable(name) });
}
