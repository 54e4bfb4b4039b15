using System.Numerics;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TenantReconciler.Tests.Schema;

/// <summary>
/// Turns YAML into the JSON that a YAML editor validates against a JSON Schema: the first document only (editors
/// validate each document on its own), aliases expanded, merge keys ('&lt;&lt;') applied with the mapping's own keys
/// winning, and plain scalars typed by the YAML 1.2 core schema (what the YAML language server uses): null, true/false
/// in three spellings, decimal/octal/hex integers, floats; everything quoted or block-styled is a string.
/// </summary>
internal static partial class YamlToJson
{
    /// <summary>The JSON, or null with the reason when the YAML has no JSON form (invalid YAML, a duplicate or non-scalar key).</summary>
    public static JsonElement? Convert(string yaml, out string? problem)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
            problem = null;
            var node = stream.Documents.Count == 0 ? null : ToNode(stream.Documents[0].RootNode);
            return JsonSerializer.SerializeToElement(node);
        }
        catch (Exception ex) when (ex is YamlException or ArgumentException or NotJsonException)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static JsonNode? ToNode(YamlNode node) => node switch
    {
        YamlScalarNode scalar => Scalar(scalar),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToNode)]),
        YamlMappingNode mapping => Mapping(mapping),
        _ => throw new NotJsonException($"unexpected node {node.NodeType}"),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        var merged = new List<YamlMappingNode>();
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode keyScalar)
            {
                throw new NotJsonException("a key that is not a scalar");
            }

            if (keyScalar.Style == ScalarStyle.Plain && keyScalar.Value == "<<")
            {
                merged.AddRange(value switch
                {
                    YamlMappingNode one => [one],
                    YamlSequenceNode many => many.Children.Select(c => c as YamlMappingNode ?? throw new NotJsonException("a merge of a non-mapping")),
                    _ => throw new NotJsonException("a merge of a non-mapping"),
                });
                continue;
            }

            result[keyScalar.Value!] = ToNode(value);
        }

        foreach (var source in merged)
        {
            foreach (var (name, value) in Mapping(source))
            {
                if (!result.ContainsKey(name))
                {
                    result[name] = value?.DeepClone();
                }
            }
        }

        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text[0] is 't' or 'T');
        }

        if (DecimalInteger().IsMatch(text))
        {
            return Number(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(c => c is >= '0' and <= '7'))
        {
            return Number(text[2..].Aggregate(BigInteger.Zero, (n, c) => (n * 8) + (c - '0')));
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(char.IsAsciiHexDigit))
        {
            return Number(BigInteger.Parse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(text))
        {
            // JSON has one number type: 5.0 is the integer 5 to a JSON Schema (draft 2020-12), as it is to editors.
            return JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text); // .inf and .nan have no JSON form: left as text.
    }

    private static JsonNode Number(BigInteger value) => JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    private sealed class NotJsonException(string message) : Exception(message);
}
