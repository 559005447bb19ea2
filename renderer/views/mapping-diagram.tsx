import { tokens } from '@fluentui/react-components';
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Diagnostic, MappingRow } from '../../shared/admin/mapping-schemas';

/** Column x positions: Entra source → SCIM attribute → local field. */
const COLUMN_X = [0, 560, 1120] as const;
/** A row's height before its nodes are measured (one line of text), and the space between rows. */
const ROW_HEIGHT = 40;
const ROW_GAP = 16;
const NODE_WIDTH = 300;

// A long URN or expression has no space to break at: it wraps anywhere rather than spill out of its node.
const nodeStyle = (border: string) => ({
  width: NODE_WIDTH,
  fontSize: 13,
  padding: 6,
  border: `1px solid ${border}`,
  borderRadius: 4,
  background: tokens.colorNeutralBackground1,
  overflowWrap: 'anywhere' as const,
});

/**
 * The rows stacked top to bottom, each as tall as its tallest node (its measured height once React
 * Flow has rendered it, ROW_HEIGHT before) and ROW_GAP apart: wrapped text makes a row taller
 * instead of running into the next.
 */
function stack(nodes: ReadonlyArray<Node>, rowsOfNodes: ReadonlyArray<ReadonlyArray<string>>, heightOf: (id: string) => number | undefined): Node[] {
  const y = new Map<string, number>();
  let cursor = 0;
  for (const ids of rowsOfNodes) {
    for (const id of ids) y.set(id, cursor);
    cursor += Math.max(ROW_HEIGHT, ...ids.map((id) => heightOf(id) ?? ROW_HEIGHT)) + ROW_GAP;
  }
  return nodes.map((node) => ({ ...node, position: { x: node.position.x, y: y.get(node.id) ?? node.position.y } }));
}

/**
 * The rows worth drawing: mapped in Entra (or, while Entra's mapping is unknown, by the
 * recommendation), carried by records, or diagnosed.
 */
function drawn(rows: ReadonlyArray<MappingRow>): MappingRow[] {
  const entraKnown = rows.some((row) => row.entraSource !== null);
  return rows.filter((row) => row.entraSource !== null || (!entraKnown && row.recommendedSource !== null) || row.observed.records > 0 || row.diagnostics.length > 0);
}

interface DiagramProps {
  readonly rows: ReadonlyArray<MappingRow>;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** An edge with diagnostics was clicked: the attribute they concern. */
  readonly onPick: (resourceType: Diagnostic['resourceType'], attribute: string) => void;
}

/**
 * Entra attribute or expression → SCIM attribute → local field, one line per mapping row; an edge
 * carries the codes of the diagnostics about its attribute (red for an error, amber for a warning)
 * and a click on it lists the records affected. Attributes Entra sends that nothing stores end in
 * "(dropped)".
 */
export function MappingDiagram(props: DiagramProps) {
  return (
    <ReactFlowProvider>
      <Diagram {...props} />
    </ReactFlowProvider>
  );
}

function Diagram({ rows, diagnostics, onPick }: DiagramProps) {
  const { laidOut, rowsOfNodes, edges, byEdge } = useMemo(() => {
    const nodes: Node[] = [];
    const rowsOfNodes: string[][] = [];
    const edges: Edge[] = [];
    const byEdge = new Map<string, { resourceType: Diagnostic['resourceType']; attribute: string }>();
    const lines: Array<{ kind: string; source: string | null; attribute: string; field: string; codes: Diagnostic[]; entra: boolean }> = drawn(rows).map((row) => ({
      kind: row.resourceType,
      source: row.entraSource ?? row.recommendedSource,
      attribute: row.attribute,
      field: row.localField,
      entra: row.entraSource !== null,
      codes: diagnostics.filter((d) => d.resourceType === row.resourceType && d.attribute?.toLowerCase() === row.attribute.toLowerCase()),
    }));
    const stored = new Set(rows.map((row) => `${row.resourceType}|${row.attribute.toLowerCase()}`));
    for (const d of diagnostics) {
      if (d.attribute === null || stored.has(`${d.resourceType ?? 'User'}|${d.attribute.toLowerCase()}`)) continue;
      lines.push({ kind: d.resourceType ?? 'User', source: null, attribute: d.attribute, field: '(dropped: nothing stores it)', entra: false, codes: [d] });
    }
    const sources = new Map<string, string>();
    const fields = new Map<string, string>();
    lines.forEach((line, index) => {
      const attributeId = `a${index}`;
      const placed = [attributeId];
      rowsOfNodes.push(placed);
      const worst = line.codes.some((d) => d.severity === 'error') ? tokens.colorPaletteRedBorder2 : line.codes.length > 0 ? tokens.colorPaletteMarigoldBorder2 : tokens.colorNeutralStroke1;
      nodes.push({ id: attributeId, position: { x: COLUMN_X[1], y: 0 }, data: { label: `${line.kind}: ${line.attribute}` }, style: nodeStyle(worst), sourcePosition: 'right' as never, targetPosition: 'left' as never });
      if (line.source !== null) {
        const key = `${line.kind}|${line.source}`;
        let sourceId = sources.get(key);
        if (!sourceId) {
          sourceId = `s${sources.size}`;
          sources.set(key, sourceId);
          placed.push(sourceId);
          nodes.push({ id: sourceId, position: { x: COLUMN_X[0], y: 0 }, data: { label: `${line.entra ? 'Entra' : 'Recommended'}: ${line.source}` }, style: nodeStyle(tokens.colorBrandStroke1), sourcePosition: 'right' as never, type: 'input' });
        }
        const edgeId = `e-${sourceId}-${attributeId}`;
        const first = line.codes[0];
        if (first) byEdge.set(edgeId, { resourceType: line.kind as Diagnostic['resourceType'], attribute: line.attribute });
        edges.push({
          id: edgeId,
          source: sourceId,
          target: attributeId,
          label: first ? `${first.code}${line.codes.length > 1 ? ` +${line.codes.length - 1}` : ''}` : undefined,
          labelBgStyle: { fill: tokens.colorNeutralBackground1 },
          labelStyle: { fontSize: 11, fill: worst },
          animated: line.codes.length > 0,
          style: { stroke: worst, strokeWidth: line.codes.length > 0 ? 2 : 1 },
          markerEnd: { type: MarkerType.ArrowClosed },
          ...(first ? { ariaLabel: `${line.source} to ${line.attribute}: ${first.code}` } : {}),
        });
      }
      let fieldId = fields.get(line.field);
      if (!fieldId) {
        fieldId = `f${fields.size}`;
        fields.set(line.field, fieldId);
        placed.push(fieldId);
        nodes.push({ id: fieldId, position: { x: COLUMN_X[2], y: 0 }, data: { label: line.field }, style: nodeStyle(tokens.colorNeutralStroke2), targetPosition: 'left' as never, type: 'output' });
      }
      const fieldEdge = `g-${attributeId}-${fieldId}`;
      const first = line.codes[0];
      if (first && line.source === null) byEdge.set(fieldEdge, { resourceType: line.kind as Diagnostic['resourceType'], attribute: line.attribute });
      edges.push({
        id: fieldEdge,
        source: attributeId,
        target: fieldId,
        markerEnd: { type: MarkerType.ArrowClosed },
        ...(line.source === null && first ? { label: first.code, style: { stroke: worst, strokeWidth: 2 }, animated: true } : {}),
      });
    });
    return { laidOut: stack(nodes, rowsOfNodes, () => undefined), rowsOfNodes, edges, byEdge };
  }, [rows, diagnostics]);

  // React Flow measures each node as it renders it (and again when its size changes): the rows are
  // stacked again by those sizes, so a label that wraps pushes the rows below it down.
  const [sizes, setSizes] = useState<ReadonlyMap<string, { readonly width: number; readonly height: number }>>(new Map());
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const measured = changes.flatMap((change) => (change.type === 'dimensions' && change.dimensions ? [[change.id, change.dimensions] as const] : []));
    if (measured.length === 0) return;
    setSizes((previous) => {
      const next = new Map(previous);
      for (const [id, size] of measured) next.set(id, size);
      return next;
    });
  }, []);
  const nodes = useMemo(
    () =>
      stack(laidOut, rowsOfNodes, (id) => sizes.get(id)?.height).map((node) => {
        const size = sizes.get(node.id);
        return size ? { ...node, measured: size } : node;
      }),
    [laidOut, rowsOfNodes, sizes],
  );
  const flow = useReactFlow();
  useEffect(() => {
    if (sizes.size === 0) return;
    const frame = requestAnimationFrame(() => void flow.fitView());
    return () => cancelAnimationFrame(frame);
  }, [sizes, laidOut, flow]);

  return (
    <div style={{ height: 640, border: `1px solid ${tokens.colorNeutralStroke2}` }} data-testid="mapping-diagram">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        fitView
        minZoom={0.2}
        nodesConnectable={false}
        nodesDraggable={false}
        onEdgeClick={(_event, edge) => {
          const picked = byEdge.get(edge.id);
          if (picked) onPick(picked.resourceType, picked.attribute);
        }}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
