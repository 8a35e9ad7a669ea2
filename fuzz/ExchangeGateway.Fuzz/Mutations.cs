using CsCheck;

namespace ExchangeGateway.Fuzz;

/// <summary>What a target's input is, which decides the structure-aware edits it gets on top of the byte edits.</summary>
internal enum InputShape
{
    Json,
    JsonLines,
    Der,
}

/// <summary>CsCheck generators of edit scripts: a few structure-aware edits of a seed, then a few byte edits.</summary>
internal static class Mutations
{
    private static readonly Gen<Edit> ByteEdit = Gen.Frequency(
        (4, Gen.Select(Gen.UInt, Gen.Byte[1, 255], (at, mask) => (Edit)new FlipBits(at, mask))),
        (3, Gen.Select(Gen.UInt, Gen.OneOf([.. SetByte.Interesting]), (at, value) => (Edit)new SetByte(at, value))),
        (2, Gen.UInt.Select(at => (Edit)new Truncate(at))),
        (2, Gen.Select(Gen.UInt, Gen.Int[1, 64], (at, length) => (Edit)new RemoveRange(at, length))),
        (4, Gen.Select(Gen.UInt, Gen.OneOf([.. HostileValues.Bytes]), (at, bytes) => (Edit)new Insert(at, bytes))),
        (2, Gen.Select(Gen.UInt, Gen.Byte.Array[1, 16], (at, bytes) => (Edit)new Insert(at, bytes))),
        (1, Gen.Select(Gen.UInt, Gen.Int[1, 256], (at, length) => (Edit)new DuplicateRange(at, length))),
        (1, Gen.OneOf<byte[]>("\n"u8.ToArray(), "\n\n"u8.ToArray(), "\r\n"u8.ToArray(), [0x00], "garbage"u8.ToArray(), "{}"u8.ToArray()).Select(b => (Edit)new Append(b))));

    private static readonly Gen<Edit> JsonEdit = Gen.Frequency(
        (5, Gen.Select(Gen.UInt, Gen.OneOf([.. HostileValues.Values]), (node, value) => (Edit)new ReplaceValue(node, value))),
        (3, Gen.UInt.Select(node => (Edit)new DropField(node))),
        (2, Gen.UInt.Select(node => (Edit)new DuplicateField(node))),
        (1, Gen.Select(Gen.UInt, Gen.Int[1, 300], (node, depth) => (Edit)new NestValue(node, depth))),
        (1, Gen.Select(Gen.UInt, Gen.OneOf([.. HostileValues.Names]), Gen.OneOf([.. HostileValues.Values]), (node, name, value) => (Edit)new AddField(node, name, value))));

    private static readonly Gen<Edit> LineEdit = Gen.Frequency(
        (6, Gen.Select(Gen.UInt, JsonEdit, (line, edit) => (Edit)new OnLine(line, edit))),
        (2, Gen.Select(Gen.UInt, Gen.Enum<LineShuffle.Kind>(), (line, kind) => (Edit)new LineShuffle(line, kind))),
        (1, Gen.Select(Gen.UInt, ByteEdit, (line, edit) => (Edit)new OnLine(line, edit))));

    private static readonly Gen<Edit> DerEdit = Gen.Frequency(
        (2, Gen.UInt.Select(node => (Edit)new DerDrop(node))),
        (2, Gen.UInt.Select(node => (Edit)new DerDuplicate(node))),
        (2, Gen.Select(Gen.UInt, Gen.UInt, (node, donor) => (Edit)new DerTransplant(node, donor))),
        (2, Gen.Select(Gen.UInt, Gen.OneOf([.. DerRetag.Tags]), (node, tag) => (Edit)new DerRetag(node, tag))),
        (3, Gen.Select(Gen.UInt, Gen.OneOf([.. DerReplaceContent.Contents]), (node, content) => (Edit)new DerReplaceContent(node, content))),
        (1, Gen.Select(Gen.UInt, Gen.Byte.Array[0, 40], (node, content) => (Edit)new DerReplaceContent(node, content))),
        (2, Gen.Select(Gen.UInt, Gen.Int[0, 5], (node, kind) => (Edit)new DerBadLength(node, kind))));

    /// <summary>An edit script for an input of this shape: 0 to 2 structural edits then 0 to 2 byte edits, at least one edit.</summary>
    public static Gen<Edit[]> For(InputShape shape)
    {
        var structural = shape switch
        {
            InputShape.Json => JsonEdit,
            InputShape.JsonLines => LineEdit,
            _ => DerEdit,
        };
        return Gen.Select(structural.Array[0, 2], ByteEdit.Array[0, 2], (first, then) => (Edit[])[.. first, .. then])
            .Where(edits => edits.Length > 0);
    }

    /// <summary>Applies a script to a seed.</summary>
    public static byte[] Apply(byte[] seed, IEnumerable<Edit> edits) => edits.Aggregate(seed, (input, edit) => edit.Apply(input));
}
