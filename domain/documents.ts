/**
 * What the documents of remote maintenance and on-site visits say (C12): the workflows build it,
 * the documents activity renders it as PDF. Plain data, because it goes into history as activity input.
 */
export type DocumentKind = 'remote-report' | 'maintenance-confirmation' | 'work-order' | 'materials-form';

export interface DocumentSection {
  heading: string;
  rows: [label: string, value: string][];
}

export interface DocumentContent {
  kind: DocumentKind;
  caseId: string;
  customerName: string;
  /** Replaces the kind's standard title. */
  title?: string;
  sections: DocumentSection[];
  /** The part of a multi-part form (the work order's 用户联 goes to the customer). */
  copy?: 'vendor' | 'customer';
}
