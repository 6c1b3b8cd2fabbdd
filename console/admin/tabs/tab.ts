/** One tab of the console: built once, refreshed from the server each time it is shown. */
export interface Tab {
  id: string;
  title: string;
  panel: HTMLElement;
  refresh(): Promise<void>;
}
