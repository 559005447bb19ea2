import { Button, Select, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular } from '@fluentui/react-icons';
import { formatNumber } from './format';

const useStyles = makeStyles({
  pager: { display: 'flex', alignItems: 'center', justifyContent: 'flex-end', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  pageSize: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** The page sizes every server-paged table offers. */
const PAGE_SIZES = [25, 50, 100, 200];

interface PagerProps {
  /** The navigation landmark's name, e.g. "Pages of users". */
  readonly label: string;
  /** Id of the "Rows per page" text, which names the size select. */
  readonly sizeLabelId: string;
  readonly startIndex: number;
  readonly count: number;
  /** The first and last row shown (1-based) and how many there are. */
  readonly first: number;
  readonly last: number;
  readonly total: number;
  readonly loading: boolean;
  readonly onQuery: (change: { readonly count?: number; readonly startIndex?: number }) => void;
}

/** Rows per page, "first–last of total", Previous and Next page: the pager of every server-paged table. */
export function Pager({ label, sizeLabelId, startIndex, count, first, last, total, loading, onQuery }: PagerProps) {
  const styles = useStyles();
  return (
    <nav className={styles.pager} aria-label={label}>
      <div className={styles.pageSize}>
        <Text id={sizeLabelId}>Rows per page</Text>
        <Select aria-labelledby={sizeLabelId} value={String(count)} onChange={(_, d) => onQuery({ count: Number(d.value) })}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </Select>
      </div>
      <Text>
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </Text>
      <Button icon={<ChevronLeftRegular />} disabled={startIndex <= 1 || loading} onClick={() => onQuery({ startIndex: Math.max(1, startIndex - count) })}>
        Previous page
      </Button>
      <Button icon={<ChevronRightRegular />} iconPosition="after" disabled={last >= total || loading} onClick={() => onQuery({ startIndex: startIndex + count })}>
        Next page
      </Button>
    </nav>
  );
}
