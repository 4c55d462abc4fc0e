// Handwritten digits with a convolutional network: the 8x8 images of the Digits sample as 1x8x8 images, two 3x3
// convolutions (ReLU) with 2x2 max pooling and a softmax output, trained with shuffled mini-batches through the
// generated TrainBatch (plain gradient descent on the mean cross-entropy). It shows a live progress bar, the test
// accuracy, the confusion matrix and a few of the digits it got wrong, writes a PNG plot of the training and test loss
// per epoch, and saves the trained parameters as safetensors.
//
// Run:  dotnet run --project samples/DigitsCnn -c Release [-- --epochs N] [--seed N] [--learning-rate X] [--batch N] [--out FILE] [--plot FILE]
//       --out  default: digits-cnn.safetensors next to the executable (samples/DigitsCnn/bin/<Configuration>/net10.0/)
//       --plot default: digits-cnn-loss.png next to the executable
// Exit code 0 if the test accuracy is at least 0.97.

return Digits.DigitsConsole.Run(args);
