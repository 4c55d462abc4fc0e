using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace Digits;

/// <summary>The 8x8 handwritten digits (UCI, as shipped with scikit-learn): 1797 images, pixels 0..16 (see data/DATA.md).</summary>
public sealed class DigitsData
{
    /// <summary>Pixels per image (8 x 8, row by row).</summary>
    public const int PixelCount = 64;

    /// <summary>The largest pixel value (a count of set pixels in a 4x4 block).</summary>
    public const int MaxPixel = 16;

    /// <summary>The digits 0..9.</summary>
    public const int ClassCount = 10;

    /// <summary>"0" .. "9".</summary>
    public static readonly string[] ClassNames = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

    private DigitsData(byte[] pixels, int[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Row-major [Count, 64], each 0..16.</summary>
    public byte[] Pixels { get; }

    /// <summary>The digit (0..9) of each image.</summary>
    public int[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The data file copied next to the sample's executable.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    /// <summary>Reads the gzip-compressed CSV: no header, 64 pixel values (0..16) and the class (0..9) per line.</summary>
    public static DigitsData Load(string path)
    {
        using FileStream file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var pixels = new List<byte>(1797 * PixelCount);
        var labels = new List<int>(1797);
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (cells.Length != PixelCount + 1)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: expected {PixelCount + 1} values, found {cells.Length}");
            }

            for (int i = 0; i < PixelCount; i++)
            {
                int v = ParseInteger(cells[i], path, lineNumber);
                if ((uint)v > MaxPixel)
                {
                    throw new InvalidDataException($"{path}, line {lineNumber}: pixel {v} is not in 0..{MaxPixel}");
                }

                pixels.Add((byte)v);
            }

            int label = ParseInteger(cells[PixelCount], path, lineNumber);
            if ((uint)label >= ClassCount)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: class {label} is not in 0..{ClassCount - 1}");
            }

            labels.Add(label);
        }

        if (labels.Count == 0)
        {
            throw new InvalidDataException($"{path}: no images");
        }

        return new DigitsData(pixels.ToArray(), labels.ToArray());
    }

    private static int ParseInteger(string cell, string path, int lineNumber) =>
        int.TryParse(cell, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new InvalidDataException($"{path}, line {lineNumber}: '{cell}' is not an integer");
}
