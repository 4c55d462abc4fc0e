using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetCompiler.Generator.Baking;

/// <summary>
/// A strict reader for the JSON of a safetensors header: objects, arrays, strings, integers (and, for
/// completeness, other numbers, booleans and null). The generator targets netstandard2.0 inside the
/// compiler, where System.Text.Json is not available to analyzers, so it carries this small reader; the
/// runtime loader in generated code uses System.Text.Json.
/// </summary>
internal sealed class MiniJson
{
    private readonly string _text;
    private int _position;

    private MiniJson(string text) => _text = text;

    /// <summary>Parses a whole document: <see cref="Dictionary{TKey,TValue}"/> (insertion-ordered list of pairs) for objects, <see cref="List{T}"/> for arrays, string, long, double, bool or null.</summary>
    /// <exception cref="FormatException">Not valid JSON, or a duplicate key.</exception>
    public static object? Parse(string text)
    {
        var reader = new MiniJson(text);
        reader.SkipWhitespace();
        object? value = reader.ReadValue(depth: 0);
        reader.SkipWhitespace();
        if (reader._position != text.Length)
        {
            throw reader.Error("unexpected text after the end of the JSON value");
        }

        return value;
    }

    private object? ReadValue(int depth)
    {
        if (depth > 64)
        {
            throw Error("nesting too deep");
        }

        if (_position >= _text.Length)
        {
            throw Error("unexpected end");
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                return ReadString();
            case 't':
                Expect("true");
                return true;
            case 'f':
                Expect("false");
                return false;
            case 'n':
                Expect("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw Error($"unexpected character '{c}'");
        }
    }

    private List<KeyValuePair<string, object?>> ReadObject(int depth)
    {
        var result = new List<KeyValuePair<string, object?>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        _position++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("expected a property name");
            }

            string key = ReadString();
            if (!keys.Add(key))
            {
                throw Error($"duplicate key \"{key}\"");
            }

            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error("expected ':'");
            }

            _position++;
            SkipWhitespace();
            result.Add(new KeyValuePair<string, object?>(key, ReadValue(depth + 1)));
            SkipWhitespace();
            char next = Peek();
            _position++;
            if (next == '}')
            {
                return result;
            }

            if (next != ',')
            {
                throw Error("expected ',' or '}'");
            }
        }
    }

    private List<object?> ReadArray(int depth)
    {
        var result = new List<object?>();
        _position++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            result.Add(ReadValue(depth + 1));
            SkipWhitespace();
            char next = Peek();
            _position++;
            if (next == ']')
            {
                return result;
            }

            if (next != ',')
            {
                throw Error("expected ',' or ']'");
            }
        }
    }

    private string ReadString()
    {
        var builder = new StringBuilder();
        _position++;
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }

            char c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < 0x20)
            {
                throw Error("control character in a string");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            char escape = Peek();
            _position++;
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("invalid \\u escape");
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw Error("invalid escape");
            }
        }
    }

    private object ReadNumber()
    {
        int start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        while (_position < _text.Length && "0123456789.eE+-".IndexOf(_text[_position]) >= 0)
        {
            _position++;
        }

        string token = _text.Substring(start, _position - start);
        string digits = token.TrimStart('-');
        if (digits.Length > 1 && digits[0] == '0' && char.IsDigit(digits[1]))
        {
            throw Error($"invalid number '{token}' (leading zero)");
        }
        if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            return integer;
        }

        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return number;
        }

        throw Error($"invalid number '{token}'");
    }

    private void Expect(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            throw Error("invalid literal");
        }

        _position += word.Length;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhitespace()
    {
        while (_position < _text.Length && (_text[_position] == ' ' || _text[_position] == '\t' || _text[_position] == '\n' || _text[_position] == '\r'))
        {
            _position++;
        }
    }

    private FormatException Error(string message) =>
        new($"invalid JSON header at character {_position.ToString(CultureInfo.InvariantCulture)}: {message}");
}
