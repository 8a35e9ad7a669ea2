using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExchangeGateway.SafetyCase;

/// <summary>One xunit test found in the sources: its fully qualified name, where it is, and its Skip reason if it has one.</summary>
public sealed record TestCase(string Name, string File, int Line, string? Skip);

/// <summary>
/// The xunit tests of a source tree ([Fact] and [Theory] methods), found by parsing the C# with Roslyn, so that a test
/// the hazard log names can be found, or found missing, without building or running anything.
/// </summary>
public sealed class TestCatalogue
{
    private static readonly HashSet<string> TestAttributes = new(StringComparer.Ordinal) { "Fact", "FactAttribute", "Theory", "TheoryAttribute", "Xunit.Fact", "Xunit.Theory" };

    private readonly Dictionary<string, TestCase> tests;

    private TestCatalogue(IEnumerable<TestCase> found) =>
        tests = found.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>How many tests were found.</summary>
    public int Count => tests.Count;

    /// <summary>The test of that fully qualified name, or null.</summary>
    public TestCase? Find(string name) => tests.GetValueOrDefault(name);

    /// <summary>The tests of every .cs file under <paramref name="folder"/> (bin and obj left out).</summary>
    public static TestCatalogue Scan(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));
        return Of(files.Select(file => (File.ReadAllText(file), file)));
    }

    /// <summary>The tests of one C# source text.</summary>
    public static TestCatalogue Of(string source, string file = "source.cs") => Of([(source, file)]);

    // Tests declared in a base class (the storage suites' *Conformance<T>) run, and are named, as each class deriving from it.
    private static TestCatalogue Of(IEnumerable<(string Source, string File)> sources)
    {
        var declared = new List<(string Type, TestCase Test)>();
        var derived = new List<(string Type, string BaseName)>();
        foreach (var (source, file) in sources)
        {
            var root = CSharpSyntaxTree.ParseText(source).GetCompilationUnitRoot();
            declared.AddRange(InSource(root, file));
            derived.AddRange(root.DescendantNodes().OfType<ClassDeclarationSyntax>()
                .SelectMany(type => (type.BaseList?.Types ?? []).Select(b => (TypeName(type), SimpleName(b.Type)))));
        }

        var byBase = declared.ToLookup(d => d.Type[(d.Type.LastIndexOf('.') + 1)..], StringComparer.Ordinal);
        var inherited = derived.SelectMany(d => byBase[d.BaseName].Select(test => test.Test with { Name = $"{d.Type}.{test.Test.Name[(test.Test.Name.LastIndexOf('.') + 1)..]}" }));
        return new TestCatalogue(declared.Select(d => d.Test).Concat(inherited));
    }

    private static IEnumerable<(string Type, TestCase Test)> InSource(CompilationUnitSyntax root, string file)
    {
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            var attribute = method.AttributeLists.SelectMany(list => list.Attributes).FirstOrDefault(a => TestAttributes.Contains(a.Name.ToString()));
            if (attribute is null || method.Parent is not TypeDeclarationSyntax type)
            {
                continue;
            }

            var skip = attribute.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == "Skip")?.Expression.ToString();
            var line = method.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            yield return (TypeName(type), new TestCase($"{TypeName(type)}.{method.Identifier.Text}", file, line, skip));
        }
    }

    private static string SimpleName(TypeSyntax type) => type switch
    {
        GenericNameSyntax generic => generic.Identifier.Text,
        QualifiedNameSyntax qualified => SimpleName(qualified.Right),
        _ => type.ToString(),
    };

    // Namespace (file-scoped or not) and each enclosing type.
    private static string TypeName(TypeDeclarationSyntax type)
    {
        var parts = new List<string>();
        for (SyntaxNode? node = type; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case TypeDeclarationSyntax enclosing:
                    parts.Add(enclosing.Identifier.Text);
                    break;
                case BaseNamespaceDeclarationSyntax ns:
                    parts.Add(ns.Name.ToString());
                    break;
            }
        }

        parts.Reverse();
        return string.Join('.', parts);
    }
}
