import type { VaultConnection } from './connection.js';
import type { SettingKey, SettingRecord, VaultSettings } from './schema.js';

/** Small typed key-value settings: backup, persisted-storage answer, the device marker. */
export class SettingsStore {
  constructor(private readonly connection: VaultConnection) {}

  get<K extends SettingKey>(key: K): Promise<VaultSettings[K] | undefined> {
    return this.connection.run(async (db) => {
      const record = (await db.get('settings', key)) as SettingRecord<K> | undefined;
      return record?.value;
    });
  }

  put<K extends SettingKey>(key: K, value: VaultSettings[K]): Promise<void> {
    const record: SettingRecord<K> = { key, value };
    return this.connection.run(async (db) => {
      await db.put('settings', record as SettingRecord);
    });
  }

  delete(key: SettingKey): Promise<void> {
    return this.connection.run((db) => db.delete('settings', key));
  }
}
