import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeExpression, ExpressionError, formatExpression, parseExpression, sourceAttributes } from '../../../main/mapping/expression';

describe("Entra's mapping expressions", () => {
  it('parses the soft-delete Switch with its empty default argument', () => {
    const expression = parseExpression('Switch([IsSoftDeleted], , "False", "True", "True", "False")');
    assert.deepEqual(expression, {
      kind: 'call',
      name: 'Switch',
      args: [
        { kind: 'attribute', name: 'IsSoftDeleted' },
        { kind: 'empty' },
        { kind: 'constant', value: 'False' },
        { kind: 'constant', value: 'True' },
        { kind: 'constant', value: 'True' },
        { kind: 'constant', value: 'False' },
      ],
    });
    assert.equal(describeExpression(expression), 'IsSoftDeleted: "False" → "True", "True" → "False", otherwise (nothing)');
    assert.deepEqual(sourceAttributes(expression), ['IsSoftDeleted']);
  });

  it('reads Join, Coalesce, Append and SingleAppRoleAssignment readably, nested', () => {
    assert.equal(describeExpression(parseExpression('Join(" ", [givenName], [surname])')), 'givenName + surname joined with " "');
    assert.equal(describeExpression(parseExpression('Coalesce([mail], [userPrincipalName])')), 'the first non-empty of mail, userPrincipalName');
    assert.equal(describeExpression(parseExpression('Append([mailNickname], "@contoso.com")')), 'mailNickname + "@contoso.com"');
    assert.equal(describeExpression(parseExpression('SingleAppRoleAssignment([appRoleAssignments])')), 'the one app role assigned (appRoleAssignments)');
    const nested = parseExpression('Coalesce(Join(".", [givenName], [surname]), [mailNickname])');
    assert.deepEqual(sourceAttributes(nested), ['givenName', 'surname', 'mailNickname']);
    assert.equal(formatExpression(nested), 'Coalesce(Join(".", [givenName], [surname]), [mailNickname])');
  });

  it('keeps constants with escaped quotes and reads a bare constant and attribute', () => {
    assert.deepEqual(parseExpression('"say \\"hi\\""'), { kind: 'constant', value: 'say "hi"' });
    assert.deepEqual(parseExpression(' [objectId] '), { kind: 'attribute', name: 'objectId' });
    assert.equal(describeExpression(parseExpression('"Employee"')), 'the constant "Employee"');
  });

  it('refuses broken text, naming where', () => {
    assert.throws(() => parseExpression('Join(" ", [givenName]'), ExpressionError);
    assert.throws(() => parseExpression('[objectId'), /closing \]/);
    assert.throws(() => parseExpression('"open'), /closing "/);
    assert.throws(() => parseExpression('[a] [b]'), /after the expression at character 5/);
  });
});
