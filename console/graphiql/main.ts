import { createElement, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import 'graphiql/graphiql.css';
import './graphiql-page.css';

type Fetcher = GraphiQLProps['fetcher'];

/**
 * Plain POST to this server's /graphql with the headers editor's headers (X-Api-Key). No
 * subscriptions exist, so GraphiQL's toolkit fetcher (and its websocket client) is not needed.
 */
const fetcher: Fetcher = async (params, options) => {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
};

const DEFAULT_QUERY = `# Put an API key in the Headers tab below, then run (Ctrl-Enter).
# The key stays in this tab: it is not saved in the browser.
query Tiers {
  tiers {
    id
    name
    levels {
      id
      threshold
    }
  }
}
`;

const DEFAULT_HEADERS = '{"X-Api-Key": ""}';

/**
 * GraphiQL keeps tabs and query history in localStorage, history with each run's headers even
 * when `shouldPersistHeaders` is off. An API key is a bearer credential, so every value is
 * stored with its `headers` emptied.
 */
const storageWithoutHeaders: Storage = {
  get length() {
    return localStorage.length;
  },
  key: (index) => localStorage.key(index),
  getItem: (key) => localStorage.getItem(key),
  removeItem: (key) => localStorage.removeItem(key),
  clear: () => localStorage.clear(),
  setItem(key, value) {
    let stored = value;
    try {
      stored = JSON.stringify(JSON.parse(value), (name, v: unknown) => (name === 'headers' ? null : v));
    } catch {
      // Not JSON (a flag such as the theme): nothing to strip.
    }
    localStorage.setItem(key, stored);
  },
};

/** The headers editor's text as headers, when it is a JSON object with a value set. */
function credentialHeaders(text: string): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const headers = Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
    return Object.keys(headers).length ? headers : null;
  } catch {
    return null;
  }
}

/**
 * Introspection needs a credential here, so GraphiQL's own schema fetch at load would only
 * show a 401. Instead the schema is fetched once the headers editor holds a key (and again
 * when it changes), and handed to GraphiQL; until then it runs without one.
 */
function Explorer() {
  const [schema, setSchema] = useState<GraphQLSchema | null>(null);
  const headersText = useRef(DEFAULT_HEADERS);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const loaded = useRef('');

  const introspect = async (text: string) => {
    const headers = credentialHeaders(text);
    if (!headers || JSON.stringify(headers) === loaded.current) return;
    const result = (await fetcher({ query: getIntrospectionQuery(), operationName: 'IntrospectionQuery' }, { headers })) as {
      data?: IntrospectionQuery;
    };
    if (result.data && text === headersText.current) {
      loaded.current = JSON.stringify(headers);
      setSchema(buildClientSchema(result.data));
    }
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  return createElement(GraphiQL, {
    fetcher,
    schema,
    defaultQuery: DEFAULT_QUERY,
    defaultHeaders: DEFAULT_HEADERS,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    // A key is a bearer credential: keep it out of localStorage.
    shouldPersistHeaders: false,
    storage: storageWithoutHeaders,
    onEditHeaders: (text: string) => {
      headersText.current = text;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void introspect(text).catch(() => undefined), 400);
    },
  });
}

createRoot(document.getElementById('graphiql')!).render(createElement(Explorer));
