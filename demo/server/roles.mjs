// The site's role matrix (PROTOCOL.md 2.13): the encryption switch, and per role whom it may message, whether
// it may start or be in encrypted threads, remove others, and read the audit log.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_ROLES_FILE = fileURLToPath(new URL('./roles.json', import.meta.url));

/**
 * @typedef {object} RoleRule
 * @property {string[]} messages role names, `*` (anyone) or `$assigned` (the people listed on the user)
 * @property {boolean} startEncrypted
 * @property {boolean} joinEncrypted
 * @property {boolean} manageThreads
 * @property {boolean} audit
 */

/** @typedef {{ id: string, role: string | null, assigned: string[] }} Person */

const FLAGS = ['startEncrypted', 'joinEncrypted', 'manageThreads', 'audit'];

/** A role the matrix does not know may do nothing. */
const NOBODY = Object.freeze({
  messages: [],
  startEncrypted: false,
  joinEncrypted: false,
  manageThreads: false,
  audit: false,
});

export class RoleMatrix {
  /** @param {unknown} config the parsed roles.json */
  constructor(config) {
    const fail = (what) => {
      throw new Error(`Invalid role matrix: ${what}`);
    };
    if (typeof config !== 'object' || config === null) fail('not an object');
    const { encryptionEnabled, defaultRole, roles } = /** @type {any} */ (config);
    if (typeof encryptionEnabled !== 'boolean') fail('encryptionEnabled must be a boolean');
    if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) fail('roles must be an object');
    if (typeof defaultRole !== 'string' || !Object.hasOwn(roles, defaultRole)) {
      fail('defaultRole must name a role');
    }
    /** @type {Map<string, RoleRule>} */
    this.roles = new Map();
    for (const [name, rule] of Object.entries(roles)) {
      if (!Array.isArray(rule?.messages)) fail(`${name}.messages must be a list`);
      for (const target of rule.messages) {
        if (target !== '*' && target !== '$assigned' && !Object.hasOwn(roles, target)) {
          fail(`${name}.messages names an unknown role ${target}`);
        }
      }
      for (const flag of FLAGS)
        if (typeof rule[flag] !== 'boolean') fail(`${name}.${flag} must be a boolean`);
      this.roles.set(name, Object.freeze({ ...rule, messages: [...rule.messages] }));
    }
    this.encryptionEnabled = encryptionEnabled;
    this.defaultRole = defaultRole;
  }

  /** @param {string} file */
  static load(file = DEFAULT_ROLES_FILE) {
    return new RoleMatrix(JSON.parse(readFileSync(file, 'utf8')));
  }

  /** @param {string} name */
  has(name) {
    return this.roles.has(name);
  }

  /** @param {Person} person */
  roleName(person) {
    return person.role ?? this.defaultRole;
  }

  /** @param {Person} person @returns {RoleRule} */
  rule(person) {
    return this.roles.get(this.roleName(person)) ?? NOBODY;
  }

  /** Whether `a`'s rule admits messaging `b`. @param {Person} a @param {Person} b */
  admits(a, b) {
    const { messages } = this.rule(a);
    return (
      messages.includes('*') ||
      messages.includes(this.roleName(b)) ||
      (messages.includes('$assigned') && a.assigned.includes(b.id))
    );
  }

  /** Two people may share a thread only when each one's rule admits the other. @param {Person} a @param {Person} b */
  mayShare(a, b) {
    return a.id === b.id || (this.admits(a, b) && this.admits(b, a));
  }

  /** @param {Person} person */
  canStartEncrypted(person) {
    return this.encryptionEnabled && this.rule(person).startEncrypted;
  }

  /** @param {Person} person */
  canJoinEncrypted(person) {
    return this.rule(person).joinEncrypted;
  }

  /** @param {Person} person */
  canManageThreads(person) {
    return this.rule(person).manageThreads;
  }

  /** @param {Person} person */
  canAudit(person) {
    return this.rule(person).audit;
  }
}
