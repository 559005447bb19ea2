import { Badge } from '@fluentui/react-components';

/** An HTTP status as a coloured badge: green 2xx, amber 4xx, red 5xx. */
export function StatusBadge({ status }: { readonly status: number }) {
  const color = status >= 500 ? 'danger' : status >= 400 ? 'warning' : 'success';
  return (
    <Badge appearance="tint" color={color} shape="rounded">
      {status}
    </Badge>
  );
}
