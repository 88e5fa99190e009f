// The package ships no types; this is its documented signature.
declare module 'html-encoding-sniffer' {
  interface SniffOptions {
    xml?: boolean;
    transportLayerEncodingLabel?: string;
    defaultEncoding?: string;
  }
  /** The WHATWG encoding-sniffing algorithm: BOM, transport label, `<meta charset>` prescan, default. */
  function htmlEncodingSniffer(bytes: Uint8Array, options?: SniffOptions): string;
  export = htmlEncodingSniffer;
}
