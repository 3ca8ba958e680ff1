/** Skerry's version, shown by `--version` and sent in `welcome`. */
export const VERSION = "0.1.0";
