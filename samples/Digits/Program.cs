// Handwritten digits: a 64-32-10 network (ReLU hidden layer, softmax output, cross-entropy loss) learns to read 8x8
// images of the digits 0..9, with shuffled mini-batches through the generated TrainBatch (plain gradient descent).
// It shows a live progress bar, the test accuracy, the confusion matrix and a few of the digits it got wrong, writes
// a PNG plot of the training and test loss per epoch, and saves the trained parameters as safetensors.
//
// Run:  dotnet run --project samples/Digits -c Release [-- --epochs N] [--seed N] [--learning-rate X] [--batch N] [--out FILE] [--plot FILE]
//       --out  default: digits.safetensors next to the executable (samples/Digits/bin/<Configuration>/net10.0/)
//       --plot default: digits-loss.png next to the executable
// Exit code 0 if the test accuracy is at least 0.95.

return Digits.DigitsConsole.Run(args);
