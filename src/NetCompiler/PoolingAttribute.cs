using System;

namespace NetCompiler
{
    /// <summary>
    /// What the pooling layers share: each output is the maximum (max pooling) or the mean (average pooling) of a window
    /// of <see cref="KernelSize"/> positions of its channel, windows <see cref="Stride"/> apart. Output size per
    /// dimension: floor((in + 2p - k) / s) + 1, as PyTorch. Pooling layers have no parameters and no activation.
    /// </summary>
    public abstract class PoolingAttribute : Attribute
    {
        /// <summary>Sets the window size.</summary>
        /// <param name="kernelSize">The window's size in every dimension (at least 1).</param>
        private protected PoolingAttribute(int kernelSize)
        {
            KernelSize = kernelSize;
        }

        /// <summary>The window's size in every dimension.</summary>
        public int KernelSize { get; }

        /// <summary>The step between windows in every dimension. Unset: the kernel size (windows side by side).</summary>
        public int Stride { get; set; }

        /// <summary>
        /// Positions added on both sides (at most half the kernel size, as PyTorch requires): never the maximum of a max
        /// pooling window; zeros that count in the mean of an average pooling window (PyTorch's default
        /// <c>count_include_pad=True</c>). Default 0.
        /// </summary>
        public int Padding { get; set; }
    }

    /// <summary>The 2D pooling layers' per-dimension settings.</summary>
    public abstract class Pooling2DAttribute : PoolingAttribute
    {
        /// <summary>Sets the window size.</summary>
        /// <param name="kernelSize">The window's height and width (at least 1).</param>
        private protected Pooling2DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }

        /// <summary>The window's height. Unset: the constructor's kernel size.</summary>
        public int KernelHeight { get; set; }

        /// <summary>The window's width. Unset: the constructor's kernel size.</summary>
        public int KernelWidth { get; set; }

        /// <summary>The vertical step. Unset: <see cref="PoolingAttribute.Stride"/>, or the window's height.</summary>
        public int StrideHeight { get; set; }

        /// <summary>The horizontal step. Unset: <see cref="PoolingAttribute.Stride"/>, or the window's width.</summary>
        public int StrideWidth { get; set; }

        /// <summary>Rows added at the top and at the bottom. Unset: <see cref="PoolingAttribute.Padding"/>.</summary>
        public int PaddingHeight { get; set; }

        /// <summary>Columns added at the left and at the right. Unset: <see cref="PoolingAttribute.Padding"/>.</summary>
        public int PaddingWidth { get; set; }
    }
}
