namespace ExchangeGateway.Cli;

/// <summary>Reads the files named on the command line, refusing oversized ones before reading them.</summary>
public static class InputFiles
{
    /// <summary>The bytes of a file, or a usage error naming it.</summary>
    public static byte[] Read(string path, long maxBytes)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new UsageException($"{path}: no such file");
        }

        if (file.Length > maxBytes)
        {
            // Read one byte past the limit so the reader reports the size without loading the whole file.
            using var stream = file.OpenRead();
            var head = new byte[maxBytes + 1];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return head[..read];
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>Writes text to a file, or to the output when no file is named.</summary>
    public static void Write(string? path, string text, TextWriter output)
    {
        if (path is null)
        {
            output.Write(text);
            output.WriteLine();
            return;
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        // Write beside, then move: a crash never leaves a half-written output file.
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, text + "\n");
        File.Move(temporary, full, overwrite: true);
    }
}
