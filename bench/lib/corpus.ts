// A deterministic generator of realistic Segment exports (what an S3 archive or a
// warehouse dump of a B2B SaaS workspace looks like), streamed so that any size can be
// written in constant memory.
//
// What it produces, by the rules of docs/mapping.md:
// - the call mix (default ~30% identify, ~45% track, ~10% group, ~10% page, ~5% alias and
//   screen), over a pool of users proportional to the size (N/20: each user recurs ~20 times);
// - users arrive over the run, each normally with an identify first (so the identity map
//   resolves the later tracks); ~3% never identify and stay anonymous;
// - nested traits (address, plan.tier, company.name), dates (ISO trial_end, epoch-ms
//   last_login, epoch-seconds created_at), custom traits HubSpot has no property for,
//   track properties with numbers, strings, arrays, booleans and nested objects;
// - `{"batch":[…]}` lines (tracking-API bodies), ~1% duplicated messageIds, ~0.2% bad
//   records (invalid JSON, a missing type, an invalid email).
//
// User and company attributes are derived from (seed, index) on demand rather than
// stored, so memory does not grow with the corpus: only one byte per user and company
// ("identified yet?") and a small ring of recent calls for duplicates are kept.
import { Prng } from './prng.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Call = { [key: string]: Json };

export type CorpusLine =
  | { kind: 'call'; call: Call }
  | { kind: 'batch'; calls: Call[]; sentAt: string }
  /** A call whose text is cut short: invalid JSON (NDJSON), a short row (CSV). */
  | { kind: 'broken'; call: Call };

export interface CorpusMix {
  identify: number;
  track: number;
  group: number;
  page: number;
  /** alias and screen */
  other: number;
}

export const DEFAULT_MIX: Readonly<CorpusMix> = { identify: 0.3, track: 0.45, group: 0.1, page: 0.1, other: 0.05 };

/** Shares of records (not lines). */
const BAD_SHARE = 0.002;
const DUPLICATE_SHARE = 0.01;
/** Share of lines that are a `{"batch":[…]}` body. */
const BATCH_LINE_SHARE = 0.004;
const ANONYMOUS_ONLY_USERS = 0.03;

/**
 * `standard`: the mix described above. `trait-heavy`: shaped like a mature workspace's
 * archive: each user carries a dozen or more of ~400 distinct custom traits (camelCase,
 * snake_case and spaced names, some nested), client calls have a deep `context` (app,
 * device, os, network, screen, campaign), and tracks carry 15–30 properties.
 */
export type CorpusShape = 'standard' | 'trait-heavy';

export const CORPUS_SHAPES: readonly CorpusShape[] = ['standard', 'trait-heavy'];

export interface CorpusOptions {
  events: number;
  seed: number;
  mix?: CorpusMix;
  /** How many companies the users belong to (default: one per 8 users). */
  companies?: number;
  shape?: CorpusShape;
}

export interface CorpusStats {
  seed: number;
  shape: CorpusShape;
  /** Records: calls, batch elements, duplicates and bad records. */
  events: number;
  lines: number;
  /** Calls by `type` as written (duplicates included; a missing type is "(none)"). */
  byType: Record<string, number>;
  duplicates: number;
  bad: { invalidJson: number; missingType: number; invalidEmail: number };
  batchLines: number;
  batchedCalls: number;
  users: number;
  usersIntroduced: number;
  anonymousOnlyUsers: number;
  companies: number;
  /** Written bytes (uncompressed; filled in by the writer). */
  bytes: number;
}

// ---------------------------------------------------------------------------------------
// Vocabulary

const FIRST = ['Peter', 'Joanna', 'Michael', 'Samir', 'Milton', 'Bill', 'Tom', 'Anne', 'Lena', 'Omar', 'Priya', 'Chen', 'Sofia', 'Lucas', 'Amara', 'Jonas', 'Yuki', 'Mateo', 'Ines', 'Kwame', 'Hana', 'Ravi', 'Elena', 'Noah', 'Zoe', 'Ivan', 'Fatima', 'Diego', 'Chloe', 'Arjun'];
const LAST = ['Gibbons', 'Smith', 'Bolton', 'Nagheenanajar', 'Waddams', 'Lumbergh', 'Smykowski', 'Garcia', 'Müller', 'Okafor', 'Tanaka', 'Rossi', 'Dubois', 'Kowalski', 'Haddad', 'Nguyen', 'Silva', 'Jensen', "O'Brien", 'Kim', 'Patel', 'Novak', 'Larsen', 'Costa', 'Schmidt'];
const COMPANY_WORDS = ['Init', 'Chotch', 'Globo', 'Vand', 'Umbr', 'Hooli', 'Stark', 'Wayne', 'Acme', 'Pied', 'Soy', 'Cyber', 'Blue', 'North', 'Quant', 'Lumen', 'Vertex', 'Aero', 'Nimbus', 'Orbit'];
const COMPANY_SUFFIX = ['ech', 'kies', 'dyne', 'elay', 'rella', 'ify', 'ware', 'labs', 'io', 'corp'];
const COMPANY_KIND = ['Inc.', 'LLC', 'GmbH', 'Ltd', 'S.A.', ''];
const PERSONAL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me', 'gmx.de'];
const TITLES = ['Vice President', 'Software Engineer', 'Product Manager', 'CTO', 'Head of Growth', 'Account Executive', 'Data Analyst', 'Office Manager'];
const CITIES: ReadonlyArray<readonly [city: string, state: string, country: string, zip: string]> = [
  ['Austin', 'TX', 'US', '78744'],
  ['Berlin', 'BE', 'DE', '10115'],
  ['London', 'ENG', 'GB', 'EC1A 1BB'],
  ['São Paulo', 'SP', 'BR', '01000-000'],
  ['Tokyo', '13', 'JP', '100-0001'],
  ['Toronto', 'ON', 'CA', 'M5H 2N2'],
  ['Paris', 'IDF', 'FR', '75001'],
  ['Bangalore', 'KA', 'IN', '560001'],
];
const STREETS = ['Freidrich Ln', 'Main St', 'Market St', 'Unter den Linden', 'Baker St', 'Rue de Rivoli', 'Avenida Paulista'];
/** HubSpot's lifecycle stages, as values and as labels (both are accepted). */
const LIFECYCLE = ['lead', 'subscriber', 'customer', 'opportunity', 'Marketing Qualified Lead', 'salesqualifiedlead'];
/** Contact custom property plan_tier: free | pro | enterprise; "platinum" is not an option. */
const PLAN_TIERS = ['free', 'free', 'pro', 'pro', 'enterprise'];
const INTERESTS = ['sports', 'music', 'travel', 'tech'];
const INDUSTRIES = ['COMPUTER_SOFTWARE', 'Information Technology and Services', 'INTERNET', 'FINANCIAL_SERVICES', 'Retail', 'MARKETING_AND_ADVERTISING'];
const COMPANY_PLANS = ['starter', 'growth', 'scale'];
const COLORS = ['blue', 'red', 'green', 'black', 'orange'];
const UTM_SOURCES = ['newsletter', 'google', 'linkedin', 'twitter', 'partner'];
const PAGES: ReadonlyArray<readonly [name: string, path: string, category: string]> = [
  ['Home', '/', 'Marketing'],
  ['Pricing', '/pricing', 'Marketing'],
  ['Docs', '/docs/getting-started', 'Docs'],
  ['Blog Post', '/blog/segment-to-hubspot', 'Blog'],
  ['Signup', '/signup', 'Marketing'],
  ['Dashboard', '/app/dashboard', 'App'],
  ['Settings', '/app/settings/billing', 'App'],
];
const SCREENS = ['Dashboard', 'Inbox', 'Settings', 'Report Detail', 'Onboarding'];
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];
const LOCALES = ['en-US', 'de-DE', 'en-GB', 'pt-BR', 'ja-JP', 'fr-FR'];
const PRODUCTS: ReadonlyArray<readonly [sku: string, name: string, category: string, price: number]> = [
  ['TPS-COVER', 'TPS Report Cover Sheet', 'Office', 4.99],
  ['STAPLER-RED', 'Swingline Stapler (red)', 'Office', 24.5],
  ['FLAIR-15', 'Flair pack (15 pieces)', 'Apparel', 12],
  ['SEAT-PRO', 'Pro seat (monthly)', 'Subscription', 49],
  ['SEAT-ENT', 'Enterprise seat (monthly)', 'Subscription', 99],
  ['ADDON-API', 'API limit increase', 'Add-on', 500],
];
const FEATURES = ['TPS reports', 'Export CSV', 'Dashboards', 'Workflows', 'Sequences', 'Custom objects', 'SSO'];

// The trait-heavy shape's vocabulary: 20 × 20 = 400 trait names in the styles real
// workspaces mix (camelCase from analytics.js, snake_case from servers, spaced names typed
// into a CDP's UI), each with a value kind its suffix suggests.
const TRAIT_TOPICS = ['account', 'billing', 'onboarding', 'survey', 'product', 'feature', 'crm', 'support', 'marketing', 'usage', 'nps', 'trial', 'referral', 'integration', 'team', 'workspace', 'mobile', 'preference', 'experiment', 'subscription'];
const TRAIT_FACETS = ['Status', 'Count', 'Score', 'Date', 'Tier', 'Source', 'Owner', 'Region', 'Flag', 'Stage', 'Id', 'Name', 'Level', 'Type', 'Plan', 'Version', 'Channel', 'Segment', 'Rating', 'Updated At'];
type TraitKind = 'string' | 'number' | 'date' | 'bool';
const TRAIT_KINDS: Record<string, TraitKind> = { Count: 'number', Score: 'number', Rating: 'number', Level: 'number', Date: 'date', 'Updated At': 'date', Flag: 'bool' };
const TRAIT_NAMES: ReadonlyArray<readonly [name: string, kind: TraitKind]> = TRAIT_TOPICS.flatMap((topic, t) =>
  TRAIT_FACETS.map((aspect, a): readonly [string, TraitKind] => {
    const words = [topic, ...aspect.toLowerCase().split(' ')];
    const style = (t + a) % 3;
    const name = style === 0
      ? words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('')
      : style === 1 ? words.join('_') : words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
    return [name, TRAIT_KINDS[aspect] ?? 'string'];
  }));
const TRAIT_WORDS = ['active', 'pending', 'churned', 'gold', 'silver', 'emea', 'amer', 'apac', 'organic', 'paid', 'partner', 'beta', 'v2', 'legacy', 'self-serve', 'sales-led'];
const DEVICES: ReadonlyArray<readonly [manufacturer: string, model: string, os: string, version: string]> = [
  ['Apple', 'iPhone15,2', 'iOS', '17.4.1'],
  ['Apple', 'MacBookPro18,3', 'Mac OS X', '14.4'],
  ['samsung', 'SM-S918B', 'Android', '14'],
  ['Google', 'Pixel 8', 'Android', '14'],
  ['Microsoft', 'Surface Laptop 5', 'Windows', '11'],
];
const TIMEZONES = ['America/Chicago', 'Europe/Berlin', 'Europe/London', 'America/Sao_Paulo', 'Asia/Tokyo', 'Asia/Kolkata'];

// ---------------------------------------------------------------------------------------
// Users and companies, derived from (seed, index)

interface User {
  index: number;
  userId: string;
  anonymousId: string;
  email: string;
  first: string;
  last: string;
  company: number | undefined;
  title: string;
  phone: string;
  city: (typeof CITIES)[number];
  street: string;
  /** The identify carries the anonymousId too, so anonymous tracks resolve. */
  anonymousInIdentify: boolean;
  /** Never identifies: only anonymous calls, some with context.traits.email. */
  anonymousOnly: boolean;
  server: boolean;
}

interface Company {
  index: number;
  groupId: string;
  name: string;
  domain: string;
  city: (typeof CITIES)[number];
  industry: string;
  employees: number;
  founded: string;
}

/** A PRNG for one entity: the same (seed, kind, index) always gives the same attributes. */
function entityPrng(seed: number, kind: number, index: number): Prng {
  return new Prng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77) ^ Math.imul(kind, 0xc2b2ae3d)) >>> 0);
}

function companyOf(seed: number, index: number): Company {
  const r = entityPrng(seed, 2, index);
  const stem = `${r.pick(COMPANY_WORDS)}${r.pick(COMPANY_SUFFIX)}`;
  const kind = r.pick(COMPANY_KIND);
  return {
    index,
    groupId: `grp_${index.toString(36)}${r.hex(6)}`,
    name: `${stem}${index > 199 ? ` ${index}` : ''}${kind ? ` ${kind}` : ''}`,
    domain: `${stem.toLowerCase()}${index}.com`,
    city: r.pick(CITIES),
    industry: r.pick(INDUSTRIES),
    employees: r.int(2, 5000),
    founded: `${r.int(1980, 2024)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
  };
}

function userOf(seed: number, index: number, companies: number): User {
  const r = entityPrng(seed, 1, index);
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const company = r.chance(0.7) ? r.int(0, companies - 1) : undefined;
  const domain = company === undefined ? r.pick(PERSONAL_DOMAINS) : companyOf(seed, company).domain;
  const local = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
  return {
    index,
    userId: `usr_${index.toString(36)}${r.hex(8)}`,
    anonymousId: r.uuid(),
    email: `${local}${index}@${domain}`,
    first,
    last,
    company,
    title: r.pick(TITLES),
    phone: `+1 512 555 ${String(r.int(0, 9999)).padStart(4, '0')}`,
    city: r.pick(CITIES),
    street: `${r.int(1, 9999)} ${r.pick(STREETS)}`,
    anonymousInIdentify: r.chance(0.85),
    anonymousOnly: r.chance(ANONYMOUS_ONLY_USERS),
    server: r.chance(0.4),
  };
}

// ---------------------------------------------------------------------------------------
// The generator

export class CorpusGenerator {
  readonly stats: CorpusStats;
  private readonly r: Prng;
  private readonly mix: CorpusMix;
  private readonly userCount: number;
  private readonly companyCount: number;
  /** 1 once the user's first identify (or anonymous arrival) was written. */
  private readonly introducedUsers: Uint8Array;
  private readonly groupedCompanies: Uint8Array;
  private introduced = 0;
  private clock = Date.UTC(2026, 0, 5, 8, 0, 0);
  /** Recent calls, for exact duplicates (Segment re-delivers within minutes, not months). */
  private readonly recent: Call[] = [];
  private recentNext = 0;
  private readonly heavy: boolean;

  constructor(private readonly options: CorpusOptions) {
    this.r = new Prng(options.seed);
    this.mix = options.mix ?? DEFAULT_MIX;
    this.userCount = Math.max(20, Math.round(options.events / 20));
    this.companyCount = options.companies ?? Math.max(5, Math.round(this.userCount / 8));
    this.introducedUsers = new Uint8Array(this.userCount);
    this.groupedCompanies = new Uint8Array(this.companyCount);
    this.heavy = options.shape === 'trait-heavy';
    this.stats = {
      seed: options.seed,
      shape: options.shape ?? 'standard',
      events: 0,
      lines: 0,
      byType: {},
      duplicates: 0,
      bad: { invalidJson: 0, missingType: 0, invalidEmail: 0 },
      batchLines: 0,
      batchedCalls: 0,
      users: this.userCount,
      usersIntroduced: 0,
      anonymousOnlyUsers: 0,
      companies: this.companyCount,
      bytes: 0,
    };
  }

  *lines(): Generator<CorpusLine> {
    const total = this.options.events;
    while (this.stats.events < total) {
      this.stats.lines++;
      const roll = this.r.next();
      if (roll < BAD_SHARE) {
        yield this.bad();
      } else if (roll < BAD_SHARE + DUPLICATE_SHARE && this.recent.length > 0) {
        const call = this.r.pick(this.recent);
        this.stats.duplicates++;
        this.count(call);
        yield { kind: 'call', call };
      } else if (this.r.chance(BATCH_LINE_SHARE) && total - this.stats.events >= 2) {
        const size = Math.min(total - this.stats.events, this.r.int(2, 8));
        const calls: Call[] = [];
        for (let i = 0; i < size; i++) calls.push(this.remember(this.normal()));
        this.stats.batchLines++;
        this.stats.batchedCalls += size;
        yield { kind: 'batch', calls, sentAt: iso(this.clock + 150) };
      } else {
        yield { kind: 'call', call: this.remember(this.normal()) };
      }
    }
    this.stats.usersIntroduced = this.introduced;
  }

  private count(call: Call): void {
    const type = typeof call['type'] === 'string' ? call['type'] : '(none)';
    this.stats.byType[type] = (this.stats.byType[type] ?? 0) + 1;
    this.stats.events++;
  }

  private remember(call: Call): Call {
    this.count(call);
    if (this.recent.length < 1024) this.recent.push(call);
    else {
      this.recent[this.recentNext] = call;
      this.recentNext = (this.recentNext + 1) % 1024;
    }
    return call;
  }

  private bad(): CorpusLine {
    const which = this.r.int(0, 2);
    if (which === 0) {
      this.stats.bad.invalidJson++;
      const call = this.track(this.activeUser());
      this.count(call);
      return { kind: 'broken', call };
    }
    if (which === 1) {
      this.stats.bad.missingType++;
      const call = this.track(this.activeUser());
      delete call['type'];
      this.count(call);
      return { kind: 'call', call };
    }
    this.stats.bad.invalidEmail++;
    const user = this.activeUser();
    const call = this.identify(user, false);
    const local = `${user.first}.${user.last}`.toLowerCase();
    const wrong = [`${local}@localhost`, `${user.first} ${user.last}@example.com`, `${local}.example.com`];
    (call['traits'] as Record<string, Json>)['email'] = this.r.pick(wrong);
    this.count(call);
    return { kind: 'call', call };
  }

  // -- choosing who and what

  /** One valid call from the mix. */
  private normal(): Call {
    let roll = this.r.next();
    const mix = this.mix;
    if (this.introduced === 0 || (roll -= mix.identify) < 0) return this.identifyFromMix();
    if ((roll -= mix.track) < 0) return this.track(this.activeUser());
    if ((roll -= mix.group) < 0) return this.group(this.activeUser());
    if ((roll -= mix.page) < 0) return this.page(this.activeUser());
    const user = this.activeUser();
    return this.r.chance(0.4) && !user.anonymousOnly ? this.alias(user) : this.screen(user);
  }

  /**
   * Users arrive evenly over the first 90% of the corpus. An identify slot first goes to
   * a user who is due to arrive (their first identify), else re-identifies a known user.
   */
  private identifyFromMix(): Call {
    const due = Math.min(this.userCount, Math.ceil((this.userCount * (this.stats.events + 1)) / (0.9 * this.options.events)));
    while (this.introduced < due || this.introduced === 0) {
      const user = userOf(this.options.seed, this.introduced, this.companyCount);
      this.introducedUsers[this.introduced] = 1;
      this.introduced++;
      if (user.anonymousOnly) {
        this.stats.anonymousOnlyUsers++;
        continue; // they exist, but never identify
      }
      return this.identify(user, true);
    }
    let user = this.activeUser();
    for (let i = 0; i < 5 && user.anonymousOnly; i++) user = this.activeUser();
    if (user.anonymousOnly) user = userOf(this.options.seed, 0, this.companyCount);
    return this.identify(user, false);
  }

  /** A known user, the recently arrived ones more active (r² leans towards 0). */
  private activeUser(): User {
    if (this.introduced === 0) {
      this.introducedUsers[0] = 1;
      this.introduced = 1;
    }
    const back = Math.floor(this.r.next() ** 2 * this.introduced);
    return userOf(this.options.seed, this.introduced - 1 - back, this.companyCount);
  }

  // -- the envelope every call shares

  private envelope(type: string | undefined, user: User, anonymousOnly: boolean): Call {
    this.clock += this.r.int(20, 3000);
    const t = this.clock;
    const call: Call = {};
    if (type !== undefined) call['type'] = type;
    call['messageId'] = user.server ? `node-${this.r.hex(32)}` : `ajs-next-${this.r.hex(32)}`;
    if (!anonymousOnly) call['userId'] = user.userId;
    if (anonymousOnly || !user.server) call['anonymousId'] = user.anonymousId;
    call['channel'] = user.server ? 'server' : 'client';
    call['context'] = this.context(user);
    call['integrations'] = {};
    // A warehouse-unloaded archive (the trait-heavy shape) keeps fewer envelope fields.
    if (!this.heavy) call['originalTimestamp'] = iso(t - this.r.int(0, 400));
    call['receivedAt'] = iso(t + this.r.int(200, 900));
    if (!this.heavy) call['sentAt'] = iso(t + this.r.int(0, 150));
    // A few archives lack `timestamp`: the event time then falls back to originalTimestamp.
    if (this.r.chance(0.97)) call['timestamp'] = iso(t);
    if (!this.heavy) call['version'] = 2;
    return call;
  }

  private context(user: User): Record<string, Json> {
    if (this.heavy && !user.server) return this.deepContext(user);
    if (user.server) {
      return { library: { name: 'analytics-node', version: '6.2.0' }, ...(this.r.chance(0.5) ? { ip: this.ip() } : {}) };
    }
    const [name, path] = this.r.pick(PAGES);
    const url = `https://www.initech.com${path}`;
    const context: Record<string, Json> = {
      ip: this.ip(),
      library: { name: 'analytics.js', version: 'npm:next-1.70.0' },
      locale: this.r.pick(LOCALES),
      page: { path, referrer: this.r.chance(0.5) ? 'https://www.google.com/' : '', search: '', title: `${name} - Initech`, url },
      userAgent: this.r.pick(USER_AGENTS),
    };
    if (this.r.chance(0.15)) context['campaign'] = { name: 'spring_launch', source: this.r.pick(UTM_SOURCES), medium: 'email' };
    return context;
  }

  /** A mobile or desktop SDK's context: app, device, os, network, screen, campaign. */
  private deepContext(user: User): Record<string, Json> {
    const r = this.r;
    const [manufacturer, model, os, version] = DEVICES[user.index % DEVICES.length]!;
    const [name, path] = r.pick(PAGES);
    const context: Record<string, Json> = {
      app: { version: `4.${r.int(0, 12)}.${r.int(0, 9)}`, build: String(r.int(1000, 9999)) },
      device: { manufacturer, model, type: os === 'iOS' || os === 'Android' ? 'mobile' : 'desktop' },
      os: { name: os, version },
      network: { wifi: r.chance(0.7) },
      screen: { width: r.pick([390, 1440, 1920]), height: r.pick([844, 900, 1080]) },
      library: { name: 'analytics-react-native', version: '2.19.2' },
      locale: r.pick(LOCALES),
      timezone: TIMEZONES[user.index % TIMEZONES.length]!,
    };
    if (r.chance(0.3)) context['page'] = { path, title: name };
    if (r.chance(0.15)) context['campaign'] = { source: r.pick(UTM_SOURCES), medium: 'email' };
    if (r.chance(0.2)) context['traits'] = { plan: r.pick(PLAN_TIERS), [TRAIT_NAMES[user.index % TRAIT_NAMES.length]![0]]: r.pick(TRAIT_WORDS) };
    return context;
  }

  /** Some of the ~400 custom traits: each user has their own subset, and a new value each time. */
  private customTraits(user: User, count: number, traits: Record<string, Json>): void {
    const r = this.r;
    const own = entityPrng(this.options.seed, 3, user.index);
    const start = own.int(0, TRAIT_NAMES.length - 1);
    const step = 1 + 2 * own.int(0, 40); // odd, so the walk visits distinct names
    for (let i = 0; i < count; i++) {
      const [name, kind] = TRAIT_NAMES[(start + (i + r.int(0, 3)) * step) % TRAIT_NAMES.length]!;
      traits[name] = kind === 'number' ? r.int(0, 1000) : kind === 'bool' ? r.chance(0.5)
        : kind === 'date' ? iso(this.clock - r.int(0, 400) * 86_400_000) : r.pick(TRAIT_WORDS);
    }
    if (r.chance(0.2)) traits['preferences'] = { newsletter: r.chance(0.5), sms: r.chance(0.2) };
    if (r.chance(0.1)) traits['metrics'] = { logins_30d: r.int(0, 60) };
  }

  private ip(): string {
    return `${this.r.int(11, 223)}.${this.r.int(0, 255)}.${this.r.int(0, 255)}.${this.r.int(1, 254)}`;
  }

  // -- calls

  private identify(user: User, first: boolean): Call {
    const call = this.envelope('identify', user, false);
    if (user.anonymousInIdentify) call['anonymousId'] = user.anonymousId;
    else delete call['anonymousId'];
    const r = this.r;
    const traits: Record<string, Json> = {};
    // Re-identifies often rely on the identity map for the email (userId → email).
    if (first || r.chance(0.7)) traits['email'] = r.chance(0.03) ? ` ${user.email.replace(/^./, (c) => c.toUpperCase())} ` : user.email;
    if (first) {
      if (r.chance(0.7)) {
        traits['firstName'] = user.first;
        traits['lastName'] = user.last;
      } else {
        traits['name'] = `${user.first} ${user.last}`;
      }
      if (r.chance(0.6)) traits['title'] = user.title;
      if (r.chance(0.4)) traits['phone'] = user.phone;
      if (r.chance(0.5)) {
        const [city, state, country, postalCode] = user.city;
        traits['address'] = { street: user.street, city, state, postalCode, country };
      }
      if (user.company !== undefined && r.chance(0.7)) traits['company'] = { name: companyOf(this.options.seed, user.company).name };
      if (r.chance(0.4)) traits['created_at'] = Math.floor(this.clock / 1000) - r.int(0, 86_400 * 30);
      if (r.chance(0.2)) traits['utm_source'] = r.pick(UTM_SOURCES);
      if (r.chance(0.15)) traits[r.chance(0.5) ? 'Favorite Color' : 'favorite_color'] = r.pick(COLORS);
      if (r.chance(0.1)) traits['avatar'] = `https://cdn.initech.com/avatars/${user.userId}.png`;
    }
    // Traits that change over a user's life, some on every identify. A mature workspace's
    // archive (trait-heavy) carries its own custom traits instead of this common set.
    if (this.heavy) {
      this.customTraits(user, first ? r.int(8, 16) : r.int(3, 8), traits);
    } else {
      if (r.chance(first ? 0.6 : 0.35)) traits['plan'] = { tier: r.chance(0.01) ? 'platinum' : r.pick(PLAN_TIERS) };
      if (r.chance(first ? 0.5 : 0.25)) traits['lifecycle_stage'] = r.pick(LIFECYCLE);
      if (r.chance(0.3)) traits['trial_end'] = iso(this.clock + r.int(1, 30) * 86_400_000 + r.int(0, 86_399_999)).replace('.000Z', 'Z');
      if (r.chance(0.5)) traits['last_login'] = this.clock - r.int(0, 3_600_000);
      if (r.chance(0.3)) traits['seats'] = r.int(1, 250);
      if (r.chance(0.3)) traits['is_paying'] = r.pick<Json>([true, false, 'yes', 'no']);
      if (r.chance(0.2)) traits['interests'] = INTERESTS.filter(() => r.chance(0.4));
      if (r.chance(0.25)) traits['logins'] = r.int(1, 900);
      if (r.chance(0.1)) traits['nickname'] = null;
    }
    call['traits'] = traits;
    return call;
  }

  private track(user: User): Call {
    const r = this.r;
    const anonymous = user.anonymousOnly || (user.anonymousInIdentify && r.chance(0.1));
    const call = this.envelope('track', user, anonymous);
    const [event, properties] = this.trackEvent();
    if (this.heavy) this.moreProperties(properties);
    call['event'] = event;
    call['properties'] = properties;
    // Anonymous visitors sometimes carry their email: in a form's properties, or in
    // context.traits (which also asks for a contact update).
    if (user.anonymousOnly ? r.chance(0.5) : r.chance(0.04)) {
      if (r.chance(0.3)) properties['email'] = user.email;
      else (call['context'] as Record<string, Json>)['traits'] = { email: user.email, ...(r.chance(0.5) ? { firstName: user.first } : {}) };
    }
    return call;
  }

  private trackEvent(): [string, Record<string, Json>] {
    const r = this.r;
    const roll = r.int(0, 99);
    const [sku, name, category, price] = r.pick(PRODUCTS);
    const quantity = r.int(1, 5);
    if (roll < 18) return ['Product Viewed', { product_id: `prod_${sku.toLowerCase()}`, sku, category, name, price, currency: 'USD', position: r.int(1, 24), url: `https://www.initech.com/p/${sku.toLowerCase()}` }];
    if (roll < 26) return ['Product Added', { cart_id: `cart_${r.hex(10)}`, product_id: `prod_${sku.toLowerCase()}`, sku, name, price, quantity }];
    if (roll < 34) {
      const products: Json[] = [];
      for (let i = r.int(1, 3); i > 0; i--) {
        const [s, , , p] = r.pick(PRODUCTS);
        products.push({ product_id: `prod_${s.toLowerCase()}`, sku: s, price: p, quantity: r.int(1, 3) });
      }
      const revenue = Math.round(price * quantity * 100) / 100;
      if (roll < 30) return ['Checkout Started', { order_id: `ord_${r.hex(10)}`, value: revenue, revenue, currency: 'USD', products }];
      return ['Order Completed', {
        order_id: `ord_${r.hex(10)}`, checkout_id: `chk_${r.hex(10)}`, total: revenue + 5, revenue, shipping: 5, tax: Math.round(revenue * 8) / 100,
        discount: 0, ...(r.chance(0.2) ? { coupon: 'SPRING10' } : {}), currency: 'USD', products,
        product_ids: products.map((p) => (p as Record<string, Json>)['product_id'] as Json),
      }];
    }
    if (roll < 37) return ['Signed Up', { method: r.pick(['email', 'google', 'github']), plan: r.pick(PLAN_TIERS), referrer: r.pick(UTM_SOURCES), utm: { source: r.pick(UTM_SOURCES), medium: 'email', campaign: 'spring_launch' } }];
    if (roll < 49) return ['Logged In', { method: r.pick(['password', 'sso', 'magic_link']), remember_me: r.chance(0.5) }];
    if (roll < 69) return ['Feature Used', { feature: r.pick(FEATURES), duration_ms: r.int(50, 120_000), success: r.chance(0.95), experiment: { id: 'exp_42', variant: r.pick(['control', 'treatment']) } }];
    if (roll < 77) return ['Report Viewed', { report: r.pick(['TPS', 'Pipeline', 'Churn', 'MRR']), cover_sheet: r.chance(0.5), filters: ['q1', `region:${r.pick(['emea', 'amer', 'apac'])}`], row_count: r.int(0, 10_000) }];
    if (roll < 81) return ['Invite Sent', { invitee_role: r.pick(['admin', 'member', 'viewer']), seats: r.int(1, 50), invite_count: r.int(1, 10) }];
    if (roll < 83) return ['Subscription Upgraded', { from_plan: 'free', to_plan: r.pick(['pro', 'enterprise']), mrr: r.int(49, 4900), trial_end: iso(this.clock + 14 * 86_400_000), billing_cycle: r.pick(['monthly', 'annual']) }];
    if (roll < 89) return ['Email Link Clicked', { campaign_id: `cmp_${r.int(1, 40)}`, link_url: 'https://www.initech.com/pricing?utm_source=newsletter', email_subject: 'Your TPS reports, faster' }];
    if (roll < 95) return ['Video Played', { video_id: `vid_${r.int(1, 30)}`, title: 'Getting started', position: r.int(0, 600), total_length: 600, sound: r.int(0, 100), full_screen: r.chance(0.2) }];
    return ['Search Performed', { query: r.pick(['stapler', 'tps report', 'pricing', 'sso setup']), results_count: r.int(0, 200), filters: [r.pick(['docs', 'blog', 'app'])] }];
  }

  /** The trait-heavy shape's tracks: 15–30 properties, with longer strings. */
  private moreProperties(properties: Record<string, Json>): void {
    const r = this.r;
    for (let i = r.int(3, 10); i > 0; i--) {
      const [name, kind] = r.pick(TRAIT_NAMES);
      properties[name] = kind === 'number' ? r.int(0, 100_000) / 100 : kind === 'bool' ? r.chance(0.5)
        : kind === 'date' ? iso(this.clock - r.int(0, 90) * 86_400_000) : r.pick(TRAIT_WORDS);
    }
    if (r.chance(0.3)) properties['description'] = `${r.pick(FEATURES)} used from ${r.pick(PAGES)[1]} after ${r.int(1, 90)} days`;
  }

  private group(user: User): Call {
    const r = this.r;
    const index = user.company ?? r.int(0, this.companyCount - 1);
    const company = companyOf(this.options.seed, index);
    const call = this.envelope('group', user, user.anonymousOnly);
    call['groupId'] = company.groupId;
    const traits: Record<string, Json> = {};
    traits['name'] = company.name;
    // ~2% of group calls carry no website (INVALID_WEBSITE): sources often omit it.
    if (r.chance(0.98)) {
      traits['website'] = r.pick([`https://www.${company.domain}`, `https://${company.domain}/about`, company.domain, `http://www.${company.domain}/`]);
    }
    const firstTime = this.groupedCompanies[index] === 0;
    this.groupedCompanies[index] = 1;
    if (firstTime || r.chance(0.3)) {
      traits['industry'] = company.industry;
      traits['employees'] = company.employees;
      const [city, state, country] = company.city;
      traits['address'] = { city, state, country };
      traits['founded_on'] = company.founded;
      if (r.chance(0.3)) traits['description'] = `${company.name} makes software for people who file TPS reports.`;
    }
    if (r.chance(0.5)) traits['plan'] = r.pick(COMPANY_PLANS);
    if (r.chance(0.5)) traits['mrr'] = r.int(0, 50_000);
    if (r.chance(0.2)) traits['account_manager'] = r.pick(FIRST);
    call['traits'] = traits;
    return call;
  }

  private page(user: User): Call {
    const [name, path, category] = this.r.pick(PAGES);
    const call = this.envelope('page', user, user.anonymousOnly || this.r.chance(0.3));
    call['name'] = name;
    if (this.r.chance(0.5)) call['category'] = category;
    call['properties'] = { path, referrer: this.r.chance(0.5) ? 'https://www.google.com/' : '', search: '', title: `${name} - Initech`, url: `https://www.initech.com${path}` };
    return call;
  }

  private screen(user: User): Call {
    const call = this.envelope('screen', user, user.anonymousOnly);
    call['context'] = { library: { name: 'analytics-ios', version: '4.1.8' }, device: { model: 'iPhone15,2', type: 'ios' }, os: { name: 'iOS', version: '17.4' } };
    call['name'] = this.r.pick(SCREENS);
    call['properties'] = { duration: this.r.int(1, 300), variation: this.r.pick(['dark', 'light']) };
    return call;
  }

  private alias(user: User): Call {
    const call = this.envelope('alias', user, false);
    delete call['anonymousId'];
    call['previousId'] = user.anonymousId;
    return call;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------
// Serialisation

/** One NDJSON line (without its newline). */
export function ndjsonLine(line: CorpusLine): string {
  switch (line.kind) {
    case 'call':
      return JSON.stringify(line.call);
    case 'batch':
      return JSON.stringify({ batch: line.calls, sentAt: line.sentAt, context: { library: { name: 'analytics-python', version: '2.3.2' } } });
    case 'broken': {
      // A line cut by a crashed writer: a prefix of valid JSON.
      const text = JSON.stringify(line.call);
      return text.slice(0, Math.floor(text.length * 0.6));
    }
  }
}

/**
 * The CSV flavour written: one mixed file with dotted headers and a `type` column (docs/mapping.md#csv-columns:
 * paths rebuild the nested call), which, unlike a warehouse table, holds every call type.
 * Arrays of scalars become `;`-separated cells (what a checkbox property takes); arrays of
 * objects a JSON cell; paths not in the header (context.campaign.*, device, os) are left
 * out, as a warehouse export would.
 */
export const CSV_COLUMNS: readonly string[] = [
  'type', 'messageId', 'userId', 'anonymousId', 'event', 'groupId', 'previousId', 'name', 'category',
  'timestamp', 'originalTimestamp', 'receivedAt', 'sentAt',
  'traits.email', 'traits.firstName', 'traits.lastName', 'traits.name', 'traits.title', 'traits.phone',
  'traits.address.street', 'traits.address.city', 'traits.address.state', 'traits.address.postalCode', 'traits.address.country',
  'traits.company.name', 'traits.plan.tier', 'traits.lifecycle_stage', 'traits.trial_end', 'traits.last_login', 'traits.created_at',
  'traits.seats', 'traits.is_paying', 'traits.interests', 'traits.logins', 'traits.favorite_color', 'traits.Favorite Color',
  'traits.utm_source', 'traits.avatar',
  'traits.website', 'traits.industry', 'traits.employees', 'traits.founded_on', 'traits.description', 'traits.mrr', 'traits.account_manager',
  'properties.product_id', 'properties.sku', 'properties.category', 'properties.name', 'properties.price', 'properties.currency',
  'properties.position', 'properties.url', 'properties.cart_id', 'properties.quantity', 'properties.order_id', 'properties.checkout_id',
  'properties.value', 'properties.revenue', 'properties.total', 'properties.shipping', 'properties.tax', 'properties.discount',
  'properties.coupon', 'properties.products', 'properties.product_ids', 'properties.method', 'properties.plan', 'properties.referrer',
  'properties.utm.source', 'properties.utm.medium', 'properties.utm.campaign', 'properties.remember_me', 'properties.feature',
  'properties.duration_ms', 'properties.success', 'properties.experiment.id', 'properties.experiment.variant', 'properties.report',
  'properties.cover_sheet', 'properties.filters', 'properties.row_count', 'properties.invitee_role', 'properties.seats',
  'properties.invite_count', 'properties.from_plan', 'properties.to_plan', 'properties.mrr', 'properties.trial_end',
  'properties.billing_cycle', 'properties.campaign_id', 'properties.link_url', 'properties.email_subject', 'properties.video_id',
  'properties.title', 'properties.total_length', 'properties.sound', 'properties.full_screen', 'properties.query',
  'properties.results_count', 'properties.path', 'properties.search', 'properties.duration', 'properties.variation', 'properties.email',
  'context.traits.email', 'context.traits.firstName', 'context.ip', 'context.library.name', 'context.library.version',
  'context.locale', 'context.userAgent', 'context.page.path', 'context.page.url',
];

const CSV_INDEX: ReadonlyMap<string, number> = new Map(CSV_COLUMNS.map((name, i) => [name, i]));

export function csvHeader(): string {
  return CSV_COLUMNS.map(csvCell).join(',');
}

/** The CSV rows of a line (a batch is one row per call). */
export function csvRows(line: CorpusLine): string[] {
  if (line.kind === 'batch') return line.calls.map((call) => csvRow(call));
  if (line.kind === 'broken') {
    // A row cut short: fewer cells than the header (INVALID_CSV).
    const cells = csvRow(line.call).split(',');
    return [cells.slice(0, 5).join(',')];
  }
  return [csvRow(line.call)];
}

function csvRow(call: Call): string {
  const cells: string[] = new Array<string>(CSV_COLUMNS.length).fill('');
  const visit = (value: Json, path: string): void => {
    if (value === null) return;
    if (Array.isArray(value)) {
      const scalars = value.every((v) => v === null || typeof v !== 'object');
      set(path, scalars ? value.join(';') : JSON.stringify(value));
    } else if (typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) visit(v, path === '' ? key : `${path}.${key}`);
    } else {
      set(path, String(value));
    }
  };
  const set = (path: string, text: string): void => {
    const index = CSV_INDEX.get(path);
    if (index !== undefined) cells[index] = csvCell(text);
  };
  visit(call, '');
  return cells.join(',');
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
