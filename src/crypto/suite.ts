/** Protocol version carried in every format. */
export const PROTOCOL_VERSION = 1;

/**
 * Suite 1: P-256 (ECDH and ECDSA with SHA-256), HKDF-SHA-256, AES-256-GCM; HPKE with DHKEM(P-256,
 * HKDF-SHA256), HKDF-SHA256, AES-256-GCM. Its id travels in every format so that a second suite can follow.
 */
export const SUITE_P256 = 1;

export const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ECDSA_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
export const AES_GCM_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const SIGNATURE_BYTES = 64;

/** Domain-separation labels: each signature and derivation says what it is for. */
export const LABELS = {
  envelope: 'bm-secure-chat/v1 envelope',
  deviceList: 'bm-secure-chat/v1 device-list',
  announcement: 'bm-secure-chat/v1 epoch-announcement',
  epochKey: 'bm-secure-chat/v1 epoch-key',
  keyCommitment: 'bm-secure-chat/v1 epoch-key-commitment',
  deviceId: 'bm-secure-chat/v1 device-id',
  userKeyId: 'bm-secure-chat/v1 identity-id',
  backupId: 'bm-secure-chat/v1 backup-id',
} as const;
