using System;
using System.Globalization;
using System.IO;

namespace Iris;

/// <summary>Fisher's Iris data set: 150 flowers, 4 measurements in cm, 3 species (see data/DATA.md).</summary>
public sealed class IrisData
{
    /// <summary>Measurements per flower: sepal length, sepal width, petal length, petal width (cm).</summary>
    public const int FeatureCount = 4;

    /// <summary>The number of species.</summary>
    public const int ClassCount = 3;

    /// <summary>The features' names, in column order.</summary>
    public static readonly string[] FeatureNames = { "sepal length", "sepal width", "petal length", "petal width" };

    private IrisData(float[] features, int[] labels, string[] classNames)
    {
        Features = features;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Row-major [Count, FeatureCount].</summary>
    public float[] Features { get; }

    /// <summary>The species index (0..2) of each row.</summary>
    public int[] Labels { get; }

    /// <summary>The species names (setosa, versicolor, virginica).</summary>
    public string[] ClassNames { get; }

    /// <summary>The number of flowers.</summary>
    public int Count => Labels.Length;

    /// <summary>The data file copied next to the sample's executable.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "iris.csv");

    /// <summary>
    /// Reads the CSV: a header <c>rows,features,class names...</c>, then <c>f1,f2,f3,f4,class</c> per row.
    /// </summary>
    public static IrisData Load(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        int rows = int.Parse(header[0], CultureInfo.InvariantCulture);
        int features = int.Parse(header[1], CultureInfo.InvariantCulture);
        if (features != FeatureCount || header.Length != 2 + ClassCount)
        {
            throw new InvalidDataException($"{path}: expected {FeatureCount} features and {ClassCount} classes, header is '{lines[0]}'");
        }

        string[] classNames = header[2..];
        var x = new float[rows * FeatureCount];
        var y = new int[rows];
        int row = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            if (row == rows)
            {
                throw new InvalidDataException($"{path}: more than the {rows} rows the header announces");
            }

            string[] cells = lines[i].Split(',');
            if (cells.Length != FeatureCount + 1)
            {
                throw new InvalidDataException($"{path}, line {i + 1}: expected {FeatureCount + 1} values");
            }

            for (int f = 0; f < FeatureCount; f++)
            {
                x[row * FeatureCount + f] = float.Parse(cells[f], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            y[row] = int.Parse(cells[FeatureCount], CultureInfo.InvariantCulture);
            if ((uint)y[row] >= ClassCount)
            {
                throw new InvalidDataException($"{path}, line {i + 1}: class {y[row]} is not in 0..{ClassCount - 1}");
            }

            row++;
        }

        if (row != rows)
        {
            throw new InvalidDataException($"{path}: {row} rows, the header announces {rows}");
        }

        return new IrisData(x, y, classNames);
    }
}
