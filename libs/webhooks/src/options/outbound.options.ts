/** Where outbound requests may go. Blocks every non-public address unless listed. */
export interface OutboundPolicyOptions {
  /** Accept `http://` endpoint URLs. Meant for development and tests only. Default false. */
  allowHttp?: boolean;
  /**
   * CIDR ranges that may be reached although they are not public, e.g. `127.0.0.0/8` for a
   * receiver on loopback in tests, or an internal network. Default: none.
   */
  allowedNetworks?: string[];
  /**
   * Resolves endpoint hostnames, both when an endpoint URL is checked (create, update, ensure)
   * and when the HTTP client connects; the address policy is applied to every address it
   * returns. Default: the system resolver (`dns.lookup`). For custom DNS and for tests that
   * simulate DNS answers.
   */
  resolveHost?: (hostname: string) => Promise<string[]>;
}
