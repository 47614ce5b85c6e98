export { openVault, Vault, type NewDevice, type OpenVaultOptions } from './vault.js';
export { VaultError, type VaultErrorReason } from './errors.js';
export { vaultDatabaseName, deleteVaultDatabase, openVaultDatabase, type CloseReason } from './open.js';
export { migrations, type Migration, type MigrationTable } from './migrations.js';
export { askForPersistentStorage, type PersistentStorage } from './persistence.js';
export type { NewEpochKey } from './epoch-keys.js';
export type { PinResult } from './peers.js';
export type { NewOutboxItem, OutboxPatch } from './outbox.js';
export * from './schema.js';
