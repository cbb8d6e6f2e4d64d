/** The admin API's JSON shapes, as the console reads them. */

export interface App {
  id: string;
  name: string;
  scopes: string[];
}

export interface TokenRow {
  id: string;
  name: string;
  kind: 'api' | 'install' | 'access';
  scopes: string[];
  createdBy: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface ClientRow {
  client_id: string;
  name: string;
  type: 'personal' | 'service';
  auth: 'client_secret' | 'private_key_jwt';
  scopes: string[];
  tokenTtl?: number;
  owner?: string;
  role?: string;
  createdBy?: string;
  createdAt?: string | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string[];
  tokenTtl?: number;
  createdBy?: string;
  createdAt?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A secret the API returns once at creation; shown once, then forgotten. */
export interface Revealed {
  title: string;
  label: string;
  value: string;
  copyLabel: string;
  details?: Array<{ label: string; value: string }>;
  command?: string;
}
