/** The rules schema is shared with the dashboard's rule editor (alerts validates the same document). */
export * from '../../../shared/src/notify-rules';
